namespace DynDet.Data.Transforms;

/// <summary>
/// A target scale for aspect-keeping resize, MMDetection's <c>img_scale=(1333, 800)</c>: the image is scaled
/// by min(LongEdge / long side, ShortEdge / short side), so its long side is at most <see cref="LongEdge"/> and
/// its short side at most <see cref="ShortEdge"/>.
/// </summary>
/// <param name="LongEdge">Bound on the long side (≥ 1).</param>
/// <param name="ShortEdge">Bound on the short side (≥ 1).</param>
public readonly record struct ImageScale(int LongEdge, int ShortEdge)
{
    /// <summary>MMDetection's default training and test scale, (1333, 800).</summary>
    public static ImageScale Coco => new(1333, 800);

    /// <summary>
    /// The resized size and the scale factor for a <paramref name="width"/> × <paramref name="height"/> image, as
    /// mmcv's <c>rescale_size</c>: s = min(long / max(h, w), short / min(h, w)); new size = int(w·s + 0.5),
    /// int(h·s + 0.5) (double precision, as Python computes it).
    /// </summary>
    public (int Width, int Height, double Factor) Apply(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int longEdge = Math.Max(LongEdge, ShortEdge), shortEdge = Math.Min(LongEdge, ShortEdge);
        double factor = Math.Min((double)longEdge / Math.Max(width, height), (double)shortEdge / Math.Min(width, height));
        int newWidth = Math.Max(1, (int)(width * factor + 0.5));
        int newHeight = Math.Max(1, (int)(height * factor + 0.5));
        return (newWidth, newHeight, factor);
    }
}
