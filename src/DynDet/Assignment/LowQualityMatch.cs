namespace DynDet.Assignment;

/// <summary>
/// Which gt a box receives when it is among some gt's best boxes in the low-quality matching step of
/// <see cref="MaxIouAssigner"/> (only when <see cref="MaxIouAssignerOptions.MatchLowQuality"/> is on).
/// </summary>
public enum LowQualityMatch
{
    /// <summary>
    /// MMDetection: the box gets <b>that gt</b> i, overwriting whatever step 3 gave it; gts are processed in
    /// index order, so when a box is best for several gts the last of them wins.
    /// </summary>
    MMDetection,

    /// <summary>
    /// torchvision's <c>Matcher(allow_low_quality_matches=True)</c>: the box gets <b>its own best gt</b> (its
    /// argmax over gts, the one step 3 would have given it), whichever gt selected it. The two differ only for
    /// a box that is some gt's best box while overlapping another gt more (or equally, at a lower index).
    /// </summary>
    TorchVision,
}
