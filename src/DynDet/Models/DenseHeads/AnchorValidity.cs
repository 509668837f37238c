using DynDet.Data.Transforms;
using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// MMDetection's anchor valid flags with <c>allowed_border</c> −1: an anchor is valid when its grid location lies
/// inside the image's own padded area (⌈pad / stride⌉ locations per axis). In a batch padded to a larger size the
/// locations beyond an image's padding are not trained on.
/// </summary>
public static class AnchorValidity
{
    /// <summary>
    /// Indices (int64, into the levels' concatenated anchors) of the valid anchors of one image, or null when every
    /// anchor is valid (the usual case: the batch is no larger than the image's padding). Shapes only: no device read.
    /// </summary>
    /// <param name="featureSizes">(H, W) of each level's map.</param>
    /// <param name="strides">Stride of each level in pixels.</param>
    /// <param name="anchorsPerLocation">Anchors per grid location (A).</param>
    /// <param name="meta">The image's sizes.</param>
    /// <param name="device">Where the indices go.</param>
    public static Tensor? ValidIndices(IReadOnlyList<(long Height, long Width)> featureSizes, IReadOnlyList<int> strides,
        int anchorsPerLocation, ImageMeta meta, Device device)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(meta);
        bool allValid = true;
        for (int l = 0; l < featureSizes.Count; l++)
        {
            var (height, width) = featureSizes[l];
            if (ValidCount(meta.PadHeight, strides[l], height) < height || ValidCount(meta.PadWidth, strides[l], width) < width)
            {
                allValid = false;
            }
        }

        if (allValid)
        {
            return null;
        }

        using var scope = Engine.NewDisposeScope();
        var masks = new Tensor[featureSizes.Count];
        for (int l = 0; l < featureSizes.Count; l++)
        {
            var (height, width) = featureSizes[l];
            var ys = Tensor.Arange(height, ScalarType.Int64, device) < ValidCount(meta.PadHeight, strides[l], height);
            var xs = Tensor.Arange(width, ScalarType.Int64, device) < ValidCount(meta.PadWidth, strides[l], width);
            masks[l] = (ys.Unsqueeze(1) & xs.Unsqueeze(0)).Unsqueeze(2).Expand(height, width, anchorsPerLocation).Reshape(-1);
        }

        return scope.MoveToOuter(Tensor.Cat(masks).NonzeroFlat());
    }

    /// <summary>
    /// How many anchors of each level are valid for one image (the levels' valid grid locations × anchors per location),
    /// in the order of <paramref name="featureSizes"/>; what <see cref="ValidIndices"/> selects, counted from the shapes.
    /// </summary>
    /// <param name="featureSizes">(H, W) of each level's map.</param>
    /// <param name="strides">Stride of each level in pixels.</param>
    /// <param name="anchorsPerLocation">Anchors per grid location (A).</param>
    /// <param name="meta">The image's sizes.</param>
    public static int[] ValidCounts(IReadOnlyList<(long Height, long Width)> featureSizes, IReadOnlyList<int> strides,
        int anchorsPerLocation, ImageMeta meta)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(meta);
        return featureSizes.Select((size, l) => checked((int)(ValidCount(meta.PadHeight, strides[l], size.Height)
            * ValidCount(meta.PadWidth, strides[l], size.Width) * anchorsPerLocation))).ToArray();
    }

    private static long ValidCount(long padded, int stride, long size) => Math.Min((long)Math.Ceiling(padded / (double)stride), size);
}
