namespace DynDet.Assignment;

/// <summary>
/// Configuration of an <see cref="AtssAssigner"/> (SPEC §5.2). MMDetection's <c>ignore_iof_thr</c> is not offered:
/// it is −1 (off) in every configuration DynDet ships, so no anchor is ever ignored (−1).
/// </summary>
public sealed record AtssAssignerOptions
{
    /// <summary>
    /// Candidates per gt and pyramid level: the <c>min(TopK, anchors of the level)</c> anchors whose centres are
    /// nearest the gt's centre (MMDetection's <c>topk</c>; default 9; at least 1). MMDetection uses it as it is,
    /// whatever the number of anchors per location; the original ATSS and Dynamic ATSS code use
    /// <c>TOPK × anchors per location</c>, which is the same with one anchor per location (every shipped config).
    /// </summary>
    public int TopK { get; init; } = 9;
}
