namespace DynDet.Assignment;

/// <summary>
/// Configuration of a <see cref="MaxIouAssigner"/> (SPEC §0.2). MMDetection's <c>ignore_iof_thr</c> (ignoring
/// boxes that overlap "ignore" regions such as COCO crowd boxes) is not offered: it is −1 (off) in every
/// configuration DynDet ships. <c>gpu_assign_thr</c> is not offered either: assignment runs on the boxes' device.
/// </summary>
public sealed record MaxIouAssignerOptions
{
    /// <summary>Boxes whose best IoU is ≥ this are positive (MMDetection's <c>pos_iou_thr</c>; in [0, 1]).</summary>
    public double PosIouThr { get; init; } = 0.5;

    /// <summary>Boxes whose best IoU is in [<see cref="NegIouLow"/>, this) are negative (MMDetection's <c>neg_iou_thr</c>, upper end).</summary>
    public double NegIouThr { get; init; } = 0.5;

    /// <summary>
    /// Lower end of the negative range (default 0, MMDetection's <c>neg_iou_thr</c> given as a number). Set it to
    /// use MMDetection's tuple form <c>neg_iou_thr = (NegIouLow, NegIouThr)</c>; boxes below it stay ignored.
    /// </summary>
    public double NegIouLow { get; init; }

    /// <summary>A gt takes its best boxes in the low-quality step only when its best IoU is ≥ this (MMDetection's <c>min_pos_iou</c>; default 0).</summary>
    public double MinPosIou { get; init; }

    /// <summary>
    /// Step 4, low-quality matching: each gt also takes the boxes it overlaps most, even below
    /// <see cref="PosIouThr"/> (MMDetection's <c>match_low_quality</c>; default true; false in R-CNN heads).
    /// </summary>
    public bool MatchLowQuality { get; init; } = true;

    /// <summary>In step 4, a gt takes every box tied at its best IoU, not just the first (MMDetection's <c>gt_max_assign_all</c>; default true).</summary>
    public bool GtMaxAssignAll { get; init; } = true;

    /// <summary>Which gt a box gets in step 4 (default MMDetection's: the gt that selected it, later gts winning).</summary>
    public LowQualityMatch LowQualityMatch { get; init; } = LowQualityMatch.MMDetection;

    /// <summary>MMDetection's RPN assigner: pos 0.7, neg 0.3, min_pos 0.3, low-quality matches on.</summary>
    public static MaxIouAssignerOptions Rpn => new() { PosIouThr = 0.7, NegIouThr = 0.3, MinPosIou = 0.3 };

    /// <summary>MMDetection's R-CNN assigner: pos = neg = min_pos = 0.5, no low-quality matches.</summary>
    public static MaxIouAssignerOptions RCnn => new() { PosIouThr = 0.5, NegIouThr = 0.5, MinPosIou = 0.5, MatchLowQuality = false };

    /// <summary>
    /// torchvision's RPN matcher, <c>Matcher(0.7, 0.3, allow_low_quality_matches=True)</c>: every gt takes all
    /// boxes tied at its best IoU whatever that IoU (min_pos 0), and such a box gets its own best gt.
    /// </summary>
    public static MaxIouAssignerOptions TorchVisionRpn => new()
    {
        PosIouThr = 0.7,
        NegIouThr = 0.3,
        MinPosIou = 0,
        LowQualityMatch = LowQualityMatch.TorchVision,
    };

    /// <summary>torchvision's RoI-head matcher, <c>Matcher(0.5, 0.5, allow_low_quality_matches=False)</c>.</summary>
    public static MaxIouAssignerOptions TorchVisionRCnn => new() { PosIouThr = 0.5, NegIouThr = 0.5, MatchLowQuality = false };
}
