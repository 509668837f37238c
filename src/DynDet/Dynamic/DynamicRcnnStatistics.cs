using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// The per-iteration statistics of Dynamic R-CNN as tensor functions (SPEC §1.2 and §1.3). They return 0-d
/// tensors (no synchronisation) for <see cref="DynamicLabelAssignment"/> and <see cref="DynamicSmoothL1"/>.
/// </summary>
public static class DynamicRcnnStatistics
{
    /// <summary>
    /// MMDetection's IoU statistic: for each image, the min(K, n)-th largest of <c>max_overlaps</c> (its n
    /// proposals with the gts prepended, each gt row at IoU 1), then the mean over images.
    /// </summary>
    public static Tensor MeanPerImageKthLargestIou(IReadOnlyList<Tensor> maxOverlapsPerImage, int k)
    {
        ArgumentNullException.ThrowIfNull(maxOverlapsPerImage);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (maxOverlapsPerImage.Count == 0)
        {
            throw new ArgumentException("no images", nameof(maxOverlapsPerImage));
        }

        using var scope = Engine.NewDisposeScope();
        var values = new Tensor[maxOverlapsPerImage.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = KthLargest(maxOverlapsPerImage[i], k);
        }

        return scope.MoveToOuter(Tensor.Stack(values).Mean());
    }

    /// <summary>
    /// The original repository's IoU statistic: the min(K × images, n)-th largest over the pooled
    /// <c>max_overlaps</c> of all images of the batch (proposals and appended gts).
    /// </summary>
    public static Tensor BatchKthLargestIou(IReadOnlyList<Tensor> maxOverlapsPerImage, int kPerImage)
    {
        ArgumentNullException.ThrowIfNull(maxOverlapsPerImage);
        using var scope = Engine.NewDisposeScope();
        var pooled = Tensor.Cat(maxOverlapsPerImage.ToArray());
        return scope.MoveToOuter(KthLargest(pooled, kPerImage * maxOverlapsPerImage.Count));
    }

    /// <summary>
    /// The β statistic: over the rows where <paramref name="positive"/> is true, <c>e = mean(|t[:,0]|, |t[:,1]|)</c>
    /// of the normalised targets (R, 4); returns the min(K, #positives)-th smallest e, or null when there are
    /// no positives (that iteration contributes nothing). <paramref name="positiveCount"/> is the number of
    /// true entries, known from the sampler without reading the mask.
    /// </summary>
    public static Tensor? KthSmallestRegressionError(Tensor targets, Tensor positive, long positiveCount, int k)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (positiveCount == 0)
        {
            return null;
        }

        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var rows = targets.Index(positive);
        var error = rows.Narrow(1, 0, 2).Abs().Mean(1);
        long kk = Math.Min(k, positiveCount);
        return scope.MoveToOuter(error.KthValue(kk).Values);
    }

    private static Tensor KthLargest(Tensor values, int k)
    {
        using var noGrad = Engine.NoGrad();
        long n = values.Size(0);
        if (n == 0)
        {
            return Tensor.ZerosLike(values).Sum();
        }

        long kk = Math.Min(k, n);
        var (top, indices) = values.TopK(kk);
        indices.Dispose();
        using (top)
        {
            return top.Select(0, kk - 1);
        }
    }
}
