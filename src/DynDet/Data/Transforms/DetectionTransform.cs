using DynDet.Config;
using DynDet.Data.Images;

namespace DynDet.Data.Transforms;

/// <summary>
/// Resize and flip, with boxes following, as MMDetection 2.x's <c>Resize(keep_ratio=True)</c> and
/// <c>RandomFlip</c>: the scale (one of <see cref="TransformOptions.Scales"/>, drawn for multi-scale
/// training) gives the new size by <see cref="ImageScale.Apply"/>; the image is resized bilinearly
/// (<see cref="ImageResizer"/>). With torchvision's resize (<see cref="TransformOptions.Resize"/>) the size comes from
/// <see cref="ImageScale.ApplyTorchVision"/> and the pixels keep their decoded size here: <see cref="BatchCollator"/>
/// resizes the normalised float image to the size in the metadata. Boxes are multiplied by the float32 per-axis factors
/// (new width / width, new height / height) and clipped to the resized image; a flip mirrors the image and maps
/// x1' = W − x2, x2' = W − x1 (no −1). All randomness comes from the <see cref="Pcg32"/> passed in, so a
/// sample's augmentation depends only on its seed. Stateless and thread-safe.
/// </summary>
public sealed class DetectionTransform
{
    /// <summary>Creates the transform (validating the options).</summary>
    public DetectionTransform(TransformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options in use.</summary>
    public TransformOptions Options { get; }

    /// <summary>The scale for one sample: the only one, one of the list, or one from the range.</summary>
    public ImageScale ChooseScale(Pcg32 rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        IReadOnlyList<ImageScale> scales = Options.Scales;
        if (scales.Count == 1)
        {
            return scales[0];
        }

        if (Options.MultiScaleMode == MultiScaleMode.Value)
        {
            return scales[rng.NextInt(scales.Count)];
        }

        int longMin = int.MaxValue, longMax = 0, shortMin = int.MaxValue, shortMax = 0;
        foreach (ImageScale s in scales)
        {
            int l = Math.Max(s.LongEdge, s.ShortEdge), sh = Math.Min(s.LongEdge, s.ShortEdge);
            longMin = Math.Min(longMin, l);
            longMax = Math.Max(longMax, l);
            shortMin = Math.Min(shortMin, sh);
            shortMax = Math.Max(shortMax, sh);
        }

        return new ImageScale(rng.NextInt(longMin, longMax), rng.NextInt(shortMin, shortMax));
    }

    /// <summary>Transforms one image and its record's objects.</summary>
    /// <param name="image">The decoded pixels (not modified).</param>
    /// <param name="record">The image's record (its objects are in <paramref name="image"/>'s pixels).</param>
    /// <param name="index">The image's index in its dataset (kept in the metadata).</param>
    /// <param name="rng">The sample's generator (scale choice, then flip).</param>
    public TransformedImage Apply(RgbImage image, DetectionRecord record, int index, Pcg32 rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(rng);
        ImageScale scale = ChooseScale(rng);
        bool torchvision = Options.Resize == ImplementationStyle.Torchvision;
        (int width, int height) = torchvision ? scale.ApplyTorchVision(image.Width, image.Height) : Drop(scale.Apply(image.Width, image.Height));

        // torchvision's resize happens after normalisation, on floats (BatchCollator): the pixels stay as decoded here.
        RgbImage resized = torchvision ? image.Clone() : ImageResizer.Resize(image, width, height);
        float scaleX = torchvision ? (float)width / image.Width : (float)((double)width / image.Width);
        float scaleY = torchvision ? (float)height / image.Height : (float)((double)height / image.Height);
        bool flip = Options.FlipProbability > 0 && rng.NextDouble() < Options.FlipProbability;
        if (flip)
        {
            FlipHorizontal(resized);
        }

        int targets = record.TargetCount;
        var boxes = new float[targets * 4];
        var labels = new long[targets];
        var ignore = new float[(record.Objects.Count - targets) * 4];
        int t = 0, g = 0;
        foreach (BoxAnnotation o in record.Objects)
        {
            float x1 = Math.Clamp(o.X1 * scaleX, 0f, width), y1 = Math.Clamp(o.Y1 * scaleY, 0f, height);
            float x2 = Math.Clamp(o.X2 * scaleX, 0f, width), y2 = Math.Clamp(o.Y2 * scaleY, 0f, height);
            if (flip)
            {
                (x1, x2) = (width - x2, width - x1);
            }

            float[] destination = o.IsIgnored ? ignore : boxes;
            int k = o.IsIgnored ? g++ * 4 : t * 4;
            destination[k] = x1;
            destination[k + 1] = y1;
            destination[k + 2] = x2;
            destination[k + 3] = y2;
            if (!o.IsIgnored)
            {
                labels[t++] = o.Label;
            }
        }

        int divisor = Options.SizeDivisor;
        var meta = new ImageMeta
        {
            Index = index,
            ImageId = record.ImageId,
            Name = record.Name,
            FilePath = record.FilePath,
            OriginalWidth = image.Width,
            OriginalHeight = image.Height,
            Width = width,
            Height = height,
            PadWidth = (width + divisor - 1) / divisor * divisor,
            PadHeight = (height + divisor - 1) / divisor * divisor,
            ScaleX = scaleX,
            ScaleY = scaleY,
            Flipped = flip,
        };
        return new TransformedImage(resized, boxes, labels, ignore, meta);
    }

    private static (int Width, int Height) Drop((int Width, int Height, double Factor) size) => (size.Width, size.Height);

    /// <summary>Mirrors an image left–right in place.</summary>
    public static void FlipHorizontal(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        for (int y = 0; y < image.Height; y++)
        {
            Span<byte> row = image.Row(y);
            for (int l = 0, r = (image.Width - 1) * 3; l < r; l += 3, r -= 3)
            {
                (row[l], row[r]) = (row[r], row[l]);
                (row[l + 1], row[r + 1]) = (row[r + 1], row[l + 1]);
                (row[l + 2], row[r + 2]) = (row[r + 2], row[l + 2]);
            }
        }
    }
}
