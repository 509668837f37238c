using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// The per-iteration statistics of Dynamic R-CNN as tensor functions (SPEC §1.2 and §1.3). They return 0-d
/// tensors (no synchronisation) for <see cref="DynamicLabelAssignment"/> and <see cref="DynamicSmoothL1"/>.
/// </summary>
public static class DynamicRcnnStatistics
{
    /// <summary>
    /// Name (after the head's prefix) of the per-image <c>max_overlaps</c> the R-CNN head publishes: each image's
    /// proposals' best IoU with its gts, gts prepended when they are added as proposals.
    /// </summary>
    public const string MaxOverlaps = "max_overlaps";

    /// <summary>Name of the sampled positives' normalised regression targets (P, 4) the R-CNN head publishes.</summary>
    public const string PositiveTargets = "positive_targets";

    /// <summary>
    /// Name of the original repository's β pool the R-CNN head publishes when asked: every proposal's
    /// <c>mean(|dx|, |dy|)</c> to its matched gt (SPEC §1.3.3).
    /// </summary>
    public const string RegressionErrors = "regression_errors";

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
        if (positiveCount == 0)
        {
            return null;
        }

        using var rows = targets.Index(positive);
        return KthSmallestRegressionError(rows, positiveCount, k);
    }

    /// <summary>
    /// The β statistic over targets (P, 4) that are all positives (the sampled positives of the batch, gt rows
    /// included): the min(K, P)-th smallest <c>mean(|dx|, |dy|)</c>, or null when P is 0.
    /// </summary>
    public static Tensor? KthSmallestRegressionError(Tensor positiveTargets, long positiveCount, int k)
    {
        ArgumentNullException.ThrowIfNull(positiveTargets);
        if (positiveCount == 0)
        {
            return null;
        }

        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var error = positiveTargets.Narrow(1, 0, 2).Abs().Mean(1);
        return scope.MoveToOuter(KthSmallest(error, k)!);
    }

    /// <summary>The min(K, n)-th smallest of a 1-D tensor, or null when it is empty.</summary>
    public static Tensor? KthSmallest(Tensor values, int k)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        long n = values.Size(0);
        if (n == 0)
        {
            return null;
        }

        using var noGrad = Engine.NoGrad();
        var (value, index) = values.KthValue(Math.Min(k, n));
        index.Dispose();
        return value;
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
