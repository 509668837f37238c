using DynDet.Data.Images;

namespace DynDet.Data.Transforms;

/// <summary>
/// One image after resize and flip (still 8-bit; normalisation and padding happen when the batch is
/// assembled) with its boxes in the resized pixels: training targets and ignore regions. With torchvision's resize
/// the pixels keep their decoded size (maybe flipped) and the batch resizes them after normalisation to
/// <see cref="ImageMeta.Width"/> × <see cref="ImageMeta.Height"/>.
/// </summary>
public sealed class TransformedImage
{
    /// <summary>Creates the result of a transform.</summary>
    public TransformedImage(RgbImage image, float[] boxes, long[] labels, float[] ignoreBoxes, ImageMeta meta)
    {
        Image = image;
        Boxes = boxes;
        Labels = labels;
        IgnoreBoxes = ignoreBoxes;
        Meta = meta;
    }

    /// <summary>The resized (and maybe flipped) pixels; with torchvision's resize, the decoded size (see the class).</summary>
    public RgbImage Image { get; }

    /// <summary>Target boxes, 4 floats (x1, y1, x2, y2) each, in resized-image pixels.</summary>
    public float[] Boxes { get; }

    /// <summary>Target labels (0-based), one per box.</summary>
    public long[] Labels { get; }

    /// <summary>Ignore regions (crowd or difficult objects), 4 floats each.</summary>
    public float[] IgnoreBoxes { get; }

    /// <summary>The image's metadata.</summary>
    public ImageMeta Meta { get; }
}
