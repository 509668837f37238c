using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// MMDetection's <c>ATSSAssigner</c> (adaptive training sample selection, SPEC §5.2), for one image, batched over
/// gts (no per-gt loop, no host reads; one <c>topk</c> per pyramid level, then every level at once):
/// <list type="number">
/// <item>IoU of every anchor with every gt (<see cref="BoxOps.Iou"/>, eps 1e-6), shape (A, G); every anchor starts
/// negative (0);</item>
/// <item>L2 distance between anchor centres and gt centres;</item>
/// <item>per level and gt, the <c>min(TopK, n_level)</c> nearest anchors are the gt's candidates (one <c>topk</c> per
/// level, as MMDetection: see below);</item>
/// <item>per gt, the threshold is the mean plus the <b>unbiased</b> standard deviation of its candidates' IoUs;</item>
/// <item>a candidate is positive when its IoU is ≥ the threshold and its centre lies inside the gt by more than 0.01
/// on every side (<c>min(cx − x1, cy − y1, x2 − cx, y2 − cy) &gt; 0.01</c>);</item>
/// <item>an anchor positive for several gts takes the one with the highest IoU (a (A, G) matrix filled with
/// −<see cref="Inf"/>, IoUs written at the positive places, argmax over gts: equal IoUs go to the lower gt index).</item>
/// </list>
/// <para>
/// The result follows MMDetection's <c>AssignResult</c>: <see cref="AssignResult.GtIndices"/> 0 (negative) or the
/// 1-based gt index; <see cref="AssignResult.Labels"/> the gt's label or −1; <see cref="AssignResult.MaxOverlaps"/>
/// the winning IoU on positives and <b>−1e8</b> elsewhere (MMDetection's <c>-INF</c> with <c>INF = 100000000</c>, not
/// −∞). With no gts every anchor is negative and <see cref="AssignResult.MaxOverlaps"/> is 0.
/// </para>
/// <para>
/// Among anchors at exactly the same distance from a gt centre (common when gt centres fall on the anchor grid),
/// which ones fill the last candidate places is decided by torch's <c>topk</c> on each level's slice, exactly as
/// MMDetection calls it, so on CPU the choice is MMDetection's; on another device it is that device's kernel's, as it
/// is for MMDetection there.
/// </para>
/// </summary>
public sealed class AtssAssigner
{
    /// <summary>MMDetection's <c>INF</c> in the ATSS assigner: non-positive anchors get <c>max_overlaps = −Inf</c>.</summary>
    public const double Inf = 100000000;

    /// <summary>The margin by which a positive anchor's centre must lie inside its gt (MMDetection's 0.01).</summary>
    public const double CenterMargin = 0.01;

    /// <summary>Creates an assigner (default: MMDetection's ATSS, top-k 9).</summary>
    public AtssAssigner(AtssAssignerOptions? options = null)
    {
        Options = options ?? new AtssAssignerOptions();
        if (Options.TopK < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.TopK, "ATSS needs TopK ≥ 1");
        }
    }

    /// <summary>The options this assigner was built with.</summary>
    public AtssAssignerOptions Options { get; }

    /// <summary>
    /// Assigns the <paramref name="anchors"/> of one image to its gts. The caller owns (disposes) the result.
    /// </summary>
    /// <param name="anchors">(A, 4) anchors of all levels, concatenated level after level.</param>
    /// <param name="anchorsPerLevel">How many of the anchors belong to each level, in order (each ≥ 0, summing to A).</param>
    /// <param name="gtBoxes">(G, 4) gt boxes (G ≥ 0), same dtype and device as the anchors.</param>
    /// <param name="gtLabels">(G) int64 gt labels.</param>
    /// <param name="predictedBoxes">
    /// Null for ATSS. Dynamic ATSS (SPEC §7.2, DLA-Combined-IoUs): the (A, 4) boxes the head currently predicts from
    /// each anchor (decoded, detached). Then the statistics and positives use the combined IoU
    /// <c>cIoU = IoU(predicted, gt) + IoU(anchor, gt)</c> in [0, 2], the threshold per gt is
    /// <c>(mean(pIoU) + mean(aIoU)) + (std(pIoU) + std(aIoU))</c> over the candidates (the sum of the two unbiased
    /// standard deviations, not the deviation of the sum), ties go to the largest combined IoU, and
    /// <see cref="AssignResult.MaxOverlaps"/> holds the winning combined IoU. Candidates stay the anchors nearest
    /// the gt centre. IoUs are MMDetection's (no "+1", unlike the DLA code's maskrcnn-benchmark boxes).
    /// </param>
    /// <param name="weights">
    /// With <paramref name="predictedBoxes"/>: the weights of the predicted and the anchor IoUs (default null: the
    /// paper's 1 : 1 sum). Each IoU matrix is multiplied by its weight before the statistics, so the threshold is
    /// <c>wp·(mean + std)(pIoU) + wa·(mean + std)(aIoU)</c> and ties go to the largest weighted sum. Host numbers:
    /// no device read.
    /// </param>
    /// <remarks>
    /// <see cref="AssignResult.Thresholds"/> holds each gt's threshold (in combined units for Dynamic ATSS).
    /// </remarks>
    public AssignResult Assign(Tensor anchors, IReadOnlyList<int> anchorsPerLevel, Tensor gtBoxes, Tensor gtLabels,
        Tensor? predictedBoxes = null, CombinedIouWeights? weights = null)
    {
        BoxOps.CheckBoxes(anchors, nameof(anchors), multipleOfFour: false);
        BoxOps.CheckBoxes(gtBoxes, nameof(gtBoxes), multipleOfFour: false);
        ArgumentNullException.ThrowIfNull(anchorsPerLevel);
        ArgumentNullException.ThrowIfNull(gtLabels);
        if (anchors.Dim != 2 || gtBoxes.Dim != 2)
        {
            throw new ArgumentException(
                $"anchors and gts must be (A, 4) and (G, 4), got [{string.Join(", ", anchors.Shape)}] and [{string.Join(", ", gtBoxes.Shape)}]",
                nameof(anchors));
        }

        long numAnchors = anchors.Size(0);
        long numGts = gtBoxes.Size(0);
        CheckLevels(anchorsPerLevel, numAnchors);
        if (gtLabels.NumElements != numGts)
        {
            throw new ArgumentException($"{gtLabels.NumElements} gt labels for {numGts} gts", nameof(gtLabels));
        }

        if (weights is not null && !(weights.Predicted >= 0 && weights.Anchor >= 0
            && double.IsFinite(weights.Predicted) && double.IsFinite(weights.Anchor)))
        {
            throw new ArgumentOutOfRangeException(nameof(weights), weights, "combined-IoU weights must be finite and ≥ 0");
        }

        if (predictedBoxes is not null)
        {
            BoxOps.CheckBoxes(predictedBoxes, nameof(predictedBoxes), multipleOfFour: false);
            if (predictedBoxes.Dim != 2 || predictedBoxes.Size(0) != numAnchors)
            {
                throw new ArgumentException(
                    $"predicted boxes must be ({numAnchors}, 4), one per anchor, got [{string.Join(", ", predictedBoxes.Shape)}]",
                    nameof(predictedBoxes));
            }
        }

        using var scope = Engine.NewDisposeScope();
        var device = anchors.Device;
        if (numGts == 0 || numAnchors == 0)
        {
            // MMDetection: no gts → every anchor negative; max_overlaps zeros; labels −1.
            return new AssignResult(numGts,
                Tensor.Zeros([numAnchors], ScalarType.Int64, device),
                Tensor.Zeros([numAnchors], anchors.Dtype, device),
                Tensor.Full([numAnchors], -1L, ScalarType.Int64, device),
                Tensor.Zeros([numGts], anchors.Dtype, device));
        }

        // (A, G) IoUs; for Dynamic ATSS the anchor and predicted IoUs separately.
        var anchorIous = BoxOps.Iou(anchors, gtBoxes);
        var predictedIous = predictedBoxes is null ? null : BoxOps.Iou(predictedBoxes, gtBoxes);
        if (predictedIous is not null && weights is { IsSum: false })
        {
            // A non-negative weight scales the mean and the std alike: the paper's rule on the weighted IoUs.
            predictedIous = predictedIous * weights.Predicted;
            anchorIous = anchorIous * weights.Anchor;
        }

        var ious = predictedIous is null ? anchorIous : predictedIous + anchorIous;

        // Centres and their distances (A, G), as MMDetection computes them.
        var anchorCx = (anchors.Select(1, 0) + anchors.Select(1, 2)) / 2.0;
        var anchorCy = (anchors.Select(1, 1) + anchors.Select(1, 3)) / 2.0;
        var gtX1 = gtBoxes.Select(1, 0);
        var gtY1 = gtBoxes.Select(1, 1);
        var gtX2 = gtBoxes.Select(1, 2);
        var gtY2 = gtBoxes.Select(1, 3);
        var gtCx = (gtX1 + gtX2) / 2.0;
        var gtCy = (gtY1 + gtY2) / 2.0;
        var anchorPoints = Tensor.Stack([anchorCx, anchorCy], 1);
        var gtPoints = Tensor.Stack([gtCx, gtCy], 1);
        var distances = (anchorPoints.Unsqueeze(1) - gtPoints.Unsqueeze(0)).Pow(2).Sum(-1).Sqrt();

        var candidates = Candidates(distances, anchorsPerLevel, Options.TopK);

        // Threshold per gt from the candidates' IoUs (K, G).
        Tensor candidateIous, threshold;
        if (predictedIous is null)
        {
            candidateIous = ious.Gather(0, candidates);
            threshold = candidateIous.Mean(0) + candidateIous.Std(0, 1);
        }
        else
        {
            var candidatePredicted = predictedIous.Gather(0, candidates);
            var candidateAnchor = anchorIous.Gather(0, candidates);
            candidateIous = candidatePredicted + candidateAnchor;
            var mean = candidatePredicted.Mean(0) + candidateAnchor.Mean(0);
            var std = candidatePredicted.Std(0, 1) + candidateAnchor.Std(0, 1);
            threshold = mean + std;
        }

        var isPositive = candidateIous.Ge(threshold.Unsqueeze(0));

        // The candidate's centre must lie inside the gt by more than the margin.
        long numCandidates = candidates.Size(0);
        var flat = candidates.Reshape(-1);
        var cx = anchorCx.IndexSelect(0, flat).Reshape(numCandidates, numGts);
        var cy = anchorCy.IndexSelect(0, flat).Reshape(numCandidates, numGts);
        var left = cx - gtX1.Unsqueeze(0);
        var top = cy - gtY1.Unsqueeze(0);
        var right = gtX2.Unsqueeze(0) - cx;
        var bottom = gtY2.Unsqueeze(0) - cy;
        var inside = left.Minimum(top).Minimum(right).Minimum(bottom).Gt(CenterMargin);
        isPositive = isPositive & inside;

        // Ties between gts: −INF everywhere, the IoU at positive (anchor, gt) places, argmax over gts. A gt's
        // candidates are distinct anchors (levels are disjoint, top-k indices distinct), so the scatter is exact.
        var written = Tensor.Where(isPositive, candidateIous, -Inf);
        var matrix = Tensor.Full([numAnchors, numGts], -Inf, ious.Dtype, device).Scatter(0, candidates, written);
        var (maxOverlaps, argmax) = matrix.Max(1);
        var positive = maxOverlaps.Ne(-Inf);
        var gtIndices = Tensor.Where(positive, argmax + 1L, 0L);
        var labels = Tensor.Where(positive, gtLabels.To(ScalarType.Int64).Reshape(-1).IndexSelect(0, argmax), -1L);
        return new AssignResult(numGts, gtIndices, maxOverlaps, labels, threshold);
    }

    /// <summary>
    /// The candidates (K, G) as anchor indices, K = Σ_l min(topK, n_l), in MMDetection's order: level after level,
    /// nearest first. One <c>topk</c> per level on a view of that level's rows, as MMDetection calls it: torch's
    /// <c>topk</c> chooses among equal distances by an algorithm that depends on the length of the searched slice
    /// (on CPU: partial sort when k·64 ≤ n, else nth_element), so padding the levels to one length for a single call
    /// changes which of several equidistant anchors are taken — common when gt centres fall on the anchor grid.
    /// L small kernel launches, no host reads.
    /// </summary>
    private static Tensor Candidates(Tensor distances, IReadOnlyList<int> anchorsPerLevel, int topK)
    {
        using var scope = Engine.NewDisposeScope();
        var parts = new List<Tensor>(anchorsPerLevel.Count);
        long start = 0;
        foreach (int count in anchorsPerLevel)
        {
            long k = Math.Min(topK, count);
            if (k > 0)
            {
                var (_, nearest) = distances.Narrow(0, start, count).TopK(k, 0, largest: false, sorted: true);
                parts.Add(start == 0 ? nearest : nearest + start);
            }

            start += count;
        }

        return scope.MoveToOuter(Tensor.Cat(parts));
    }

    private static void CheckLevels(IReadOnlyList<int> anchorsPerLevel, long numAnchors)
    {
        if (anchorsPerLevel.Count == 0)
        {
            throw new ArgumentException("ATSS needs the number of anchors of at least one level", nameof(anchorsPerLevel));
        }

        long total = 0;
        foreach (int n in anchorsPerLevel)
        {
            if (n < 0)
            {
                throw new ArgumentException($"a level cannot have {n} anchors", nameof(anchorsPerLevel));
            }

            total += n;
        }

        if (total != numAnchors)
        {
            throw new ArgumentException(
                $"the levels hold {total} anchors ({string.Join(" + ", anchorsPerLevel)}) but {numAnchors} were given",
                nameof(anchorsPerLevel));
        }
    }
}
