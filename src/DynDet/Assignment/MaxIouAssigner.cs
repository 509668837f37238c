using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// MMDetection's <c>MaxIoUAssigner</c> (SPEC §0.2), batched over boxes and gts (no per-gt loop):
/// <list type="number">
/// <item>every box starts ignored (−1);</item>
/// <item>a box whose best IoU is in [<see cref="NegIouLow"/>, <see cref="NegIouThr"/>) becomes negative (0);</item>
/// <item>a box whose best IoU is ≥ <see cref="PosIouThr"/> becomes positive for its best gt (argmax + 1);</item>
/// <item>with <see cref="MaxIouAssignerOptions.MatchLowQuality"/>: every gt whose best IoU is ≥
/// <see cref="MinPosIou"/> also takes the boxes at that best IoU (all ties with
/// <see cref="MaxIouAssignerOptions.GtMaxAssignAll"/>), overwriting step 3; later gts win
/// (<see cref="LowQualityMatch"/> selects torchvision's rule instead).</item>
/// </list>
/// With no gts every box is negative. The thresholds are mutable so that Dynamic R-CNN can move them between
/// iterations (<see cref="SetIouThreshold"/>); a change applies from the next <see cref="Assign"/> call.
/// </summary>
public sealed class MaxIouAssigner
{
    private double _posIouThr;
    private double _negIouThr;
    private double _minPosIou;

    /// <summary>Creates an assigner (default: MMDetection's R-CNN assigner).</summary>
    public MaxIouAssigner(MaxIouAssignerOptions? options = null)
    {
        Options = options ?? MaxIouAssignerOptions.RCnn;
        if (!(Options.NegIouLow <= Options.NegIouThr))
        {
            throw new ArgumentException(
                $"the negative IoU range [{Options.NegIouLow}, {Options.NegIouThr}) is empty or not a number", nameof(options));
        }

        PosIouThr = Options.PosIouThr;
        NegIouThr = Options.NegIouThr;
        MinPosIou = Options.MinPosIou;
    }

    /// <summary>The options this assigner was built with (the thresholds below start from them).</summary>
    public MaxIouAssignerOptions Options { get; }

    /// <summary>The current positive threshold (MMDetection's <c>pos_iou_thr</c>); settable between calls.</summary>
    public double PosIouThr
    {
        get => _posIouThr;
        set => _posIouThr = CheckThreshold(value, nameof(PosIouThr));
    }

    /// <summary>The current upper end of the negative range (MMDetection's <c>neg_iou_thr</c>); settable between calls.</summary>
    public double NegIouThr
    {
        get => _negIouThr;
        set => _negIouThr = CheckThreshold(value, nameof(NegIouThr));
    }

    /// <summary>The lower end of the negative range (fixed, from the options).</summary>
    public double NegIouLow => Options.NegIouLow;

    /// <summary>The current minimum best-IoU of a gt for low-quality matching (MMDetection's <c>min_pos_iou</c>); settable between calls.</summary>
    public double MinPosIou
    {
        get => _minPosIou;
        set => _minPosIou = CheckThreshold(value, nameof(MinPosIou));
    }

    /// <summary>
    /// Sets <see cref="PosIouThr"/> = <see cref="NegIouThr"/> = <see cref="MinPosIou"/> = <paramref name="iou"/>,
    /// as Dynamic R-CNN's update does (SPEC §1.2 step 6): nothing is ignored any more.
    /// </summary>
    public void SetIouThreshold(double iou)
    {
        CheckThreshold(iou, nameof(iou));
        PosIouThr = iou;
        NegIouThr = iou;
        MinPosIou = iou;
    }

    /// <summary>
    /// Assigns <paramref name="boxes"/> (N, 4) to <paramref name="gtBoxes"/> (G, 4) by IoU
    /// (<see cref="BoxOps.Iou"/>, eps 1e-6). <paramref name="gtLabels"/> (G, int64) gives the result its
    /// <see cref="AssignResult.Labels"/>; without it they are null. The caller owns (disposes) the result.
    /// </summary>
    public AssignResult Assign(Tensor boxes, Tensor gtBoxes, Tensor? gtLabels = null)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(gtBoxes);
        using var scope = Engine.NewDisposeScope();
        var overlaps = BoxOps.Iou(gtBoxes, boxes);
        return AssignWrtOverlaps(overlaps, gtLabels);
    }

    /// <summary>
    /// Assigns from a precomputed overlap matrix <paramref name="overlaps"/> (G, N), gts along the rows
    /// (MMDetection's <c>assign_wrt_overlaps</c>). The caller owns (disposes) the result.
    /// </summary>
    public AssignResult AssignWrtOverlaps(Tensor overlaps, Tensor? gtLabels = null)
    {
        ArgumentNullException.ThrowIfNull(overlaps);
        long[] shape = overlaps.Shape;
        if (shape.Length != 2)
        {
            throw new ArgumentException($"overlaps must be (G, N), got [{string.Join(", ", shape)}]", nameof(overlaps));
        }

        long numGts = shape[0], numBoxes = shape[1];
        if (gtLabels is not null && gtLabels.NumElements != numGts)
        {
            throw new ArgumentException($"{gtLabels.NumElements} gt labels for {numGts} gts", nameof(gtLabels));
        }

        using var scope = Engine.NewDisposeScope();
        var device = overlaps.Device;
        if (numGts == 0 || numBoxes == 0)
        {
            // No gts: everything is background. No boxes: nothing to assign.
            return new AssignResult(numGts,
                Tensor.Full([numBoxes], numGts == 0 ? 0L : -1L, ScalarType.Int64, device),
                Tensor.Zeros([numBoxes], overlaps.Dtype, device),
                gtLabels is null ? null : Tensor.Full([numBoxes], -1L, ScalarType.Int64, device));
        }

        var (maxOverlaps, argmax) = overlaps.Max(0);
        var assigned = Tensor.Full([numBoxes], -1L, ScalarType.Int64, device);
        var negative = maxOverlaps.Ge(NegIouLow) & maxOverlaps.Lt(NegIouThr);
        assigned = Tensor.Where(negative, 0L, assigned);
        var best = argmax + 1L;
        assigned = Tensor.Where(maxOverlaps.Ge(PosIouThr), best, assigned);

        if (Options.MatchLowQuality)
        {
            var (gtMax, gtArgmax) = overlaps.Max(1);
            // selected[i, j]: gt i takes box j in step 4.
            var selected = Options.GtMaxAssignAll
                ? overlaps.Eq(gtMax.Unsqueeze(1))
                : Tensor.Zeros([numGts, numBoxes], ScalarType.Bool, device).Scatter(1, gtArgmax.Unsqueeze(1), true);
            selected = selected & gtMax.Ge(MinPosIou).Unsqueeze(1);
            var any = selected.Any(0);
            Tensor lowQuality;
            if (Options.LowQualityMatch == LowQualityMatch.MMDetection)
            {
                // The last selecting gt wins: the first true row of the row-flipped mask.
                var lastGt = (numGts - 1L) - selected.Flip(0).To(ScalarType.Byte).Argmax(0);
                lowQuality = lastGt + 1L;
            }
            else
            {
                lowQuality = best;
            }

            assigned = Tensor.Where(any, lowQuality, assigned);
        }

        Tensor? labels = null;
        if (gtLabels is not null)
        {
            var index = (assigned - 1L).ClampMin(0);
            var gathered = gtLabels.To(ScalarType.Int64).Reshape(-1).IndexSelect(0, index);
            labels = Tensor.Where(assigned.Gt(0), gathered, -1L);
        }

        return new AssignResult(numGts, assigned, maxOverlaps, labels);
    }

    private static double CheckThreshold(double value, string name) =>
        double.IsNaN(value) ? throw new ArgumentOutOfRangeException(name, value, "an IoU threshold must be a number") : value;
}
