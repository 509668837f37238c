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

    /// <summary>
    /// The resized size for a <paramref name="width"/> × <paramref name="height"/> image as torchvision 0.14's
    /// <c>GeneralizedRCNNTransform</c> computes it at test time with <c>min_size</c> = the short edge and
    /// <c>max_size</c> = the long edge: s = min(min_size / short side, max_size / long side) in float32, each quotient
    /// as torch's <c>__rtruediv__</c> evaluates it (the side's float32 reciprocal times the size); new size =
    /// floor(side · s) in double (<c>F.interpolate(..., recompute_scale_factor=True)</c>). Often one pixel smaller than
    /// <see cref="Apply"/>'s: 350 × 250 at (224, 160) gives 223 × 159, since 0.64 in float32 is just below 0.64.
    /// </summary>
    public (int Width, int Height) ApplyTorchVision(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int maxSize = Math.Max(LongEdge, ShortEdge), minSize = Math.Min(LongEdge, ShortEdge);
        float byShort = 1f / Math.Min(width, height) * minSize;
        float byLong = 1f / Math.Max(width, height) * maxSize;
        double scale = Math.Min(byShort, byLong);
        return (Math.Max(1, (int)Math.Floor(width * scale)), Math.Max(1, (int)Math.Floor(height * scale)));
    }
}
