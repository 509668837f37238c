using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// Which ground truth each box (anchor or proposal) was assigned to: MMDetection's <c>AssignResult</c>.
/// It <b>owns</b> its tensors (they belong to no dispose scope): dispose it, and do not dispose the tensors
/// its properties return. <see cref="AddGtAsProposals"/> changes it in place, as MMDetection's <c>add_gt_</c>.
/// </summary>
public sealed class AssignResult : IDisposable
{
    /// <summary>
    /// Wraps assignment tensors and takes ownership of them (they are removed from their dispose scope).
    /// </summary>
    /// <param name="numGts">Number of ground-truth boxes of the image (G ≥ 0).</param>
    /// <param name="gtIndices">int64 (N): −1 ignore, 0 negative, k &gt; 0 positive for gt k−1.</param>
    /// <param name="maxOverlaps">float (N): each box's largest IoU with any gt (0 when there are no gts).</param>
    /// <param name="labels">int64 (N) or null: the assigned gt's label on positives, −1 elsewhere.</param>
    /// <param name="thresholds">float (G) or null: the per-gt IoU threshold of an adaptive assigner (ATSS).</param>
    public AssignResult(long numGts, Tensor gtIndices, Tensor maxOverlaps, Tensor? labels, Tensor? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(gtIndices);
        ArgumentNullException.ThrowIfNull(maxOverlaps);
        ArgumentOutOfRangeException.ThrowIfNegative(numGts);
        NumGts = numGts;
        GtIndices = gtIndices.DetachFromDisposeScope();
        MaxOverlaps = maxOverlaps.DetachFromDisposeScope();
        Labels = labels?.DetachFromDisposeScope();
        Thresholds = thresholds?.DetachFromDisposeScope();
    }

    /// <summary>Number of ground-truth boxes the boxes were assigned among (G).</summary>
    public long NumGts { get; }

    /// <summary>Number of boxes N (including prepended gts after <see cref="AddGtAsProposals"/>).</summary>
    public long NumBoxes => GtIndices.Size(0);

    /// <summary>int64 (N): −1 ignored, 0 negative, k &gt; 0 positive for gt k−1 (1-based, as MMDetection's <c>gt_inds</c>).</summary>
    public Tensor GtIndices { get; private set; }

    /// <summary>
    /// float (N): each box's largest IoU with any gt (MMDetection's <c>max_overlaps</c>; 0 everywhere when G = 0).
    /// After <see cref="AddGtAsProposals"/> it starts with G ones: Dynamic R-CNN's IoU statistic reads it then.
    /// </summary>
    public Tensor MaxOverlaps { get; private set; }

    /// <summary>int64 (N) or null (assigned without labels): the gt label on positives, −1 elsewhere.</summary>
    public Tensor? Labels { get; private set; }

    /// <summary>
    /// float (G) or null: each gt's IoU threshold when the assigner computes one per gt (ATSS: mean + std of its
    /// candidates' IoUs; Dynamic ATSS: of their combined IoUs), for the logged assignment statistics. Null for the
    /// MaxIoU assigner.
    /// </summary>
    public Tensor? Thresholds { get; }

    /// <summary>
    /// Prepends the G ground truths as extra boxes, in place (MMDetection's <c>add_gt_</c>, called by samplers
    /// with <c>add_gt_as_proposals</c>): <see cref="GtIndices"/> gains 1..G in front, <see cref="MaxOverlaps"/>
    /// G ones, <see cref="Labels"/> (when present) <paramref name="gtLabels"/>.
    /// </summary>
    /// <param name="gtLabels">int64 (G) labels of the gts, on the same device.</param>
    public void AddGtAsProposals(Tensor gtLabels)
    {
        ArgumentNullException.ThrowIfNull(gtLabels);
        ObjectDisposedException.ThrowIf(GtIndices.IsDisposed, this);
        long g = gtLabels.Size(0);
        Tensor gtIndices, maxOverlaps;
        Tensor? labels = null;
        using (var scope = Engine.NewDisposeScope())
        {
            var device = GtIndices.Device;
            using var self = Tensor.Arange(1, g + 1, 1, ScalarType.Int64, device);
            using var ones = Tensor.Ones([g], MaxOverlaps.Dtype, device);
            gtIndices = Tensor.Cat([self, GtIndices]).DetachFromDisposeScope();
            maxOverlaps = Tensor.Cat([ones, MaxOverlaps]).DetachFromDisposeScope();
            if (Labels is not null)
            {
                using var l = gtLabels.To(ScalarType.Int64);
                labels = Tensor.Cat([l, Labels]).DetachFromDisposeScope();
            }
        }

        GtIndices.Dispose();
        MaxOverlaps.Dispose();
        Labels?.Dispose();
        GtIndices = gtIndices;
        MaxOverlaps = maxOverlaps;
        Labels = labels;
    }

    /// <summary>
    /// The same assignment in torchvision's <c>Matcher</c> encoding (int64 (N)): the 0-based gt index on
    /// positives, −1 (<c>BELOW_LOW_THRESHOLD</c>) on negatives, −2 (<c>BETWEEN_THRESHOLDS</c>) on ignored boxes.
    /// A new tensor owned by the caller's dispose scope.
    /// </summary>
    public Tensor ToMatcherIndices()
    {
        using var scope = Engine.NewDisposeScope();
        var g = GtIndices;
        var rest = Tensor.Where(g.Eq(0), -1L, Tensor.FullLike(g, -2L));
        return scope.MoveToOuter(Tensor.Where(g.Gt(0), g - 1L, rest));
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        GtIndices.Dispose();
        MaxOverlaps.Dispose();
        Labels?.Dispose();
        Thresholds?.Dispose();
    }
}
