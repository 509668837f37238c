namespace DynDet.Models.RoIHeads;

/// <summary>
/// What steers a <see cref="StandardRoiHead"/> from outside during training (Dynamic R-CNN's DLA and DSL, wired by
/// the detector factory): where its assigner's IoU threshold and its SmoothL1 β come from, and which extra statistic
/// it publishes. The head never sees the strategies themselves.
/// </summary>
public sealed record RoiHeadSteering
{
    /// <summary>The positive (= negative) IoU threshold for the next assignment, or null for the config's.</summary>
    public Func<double>? IouThreshold { get; init; }

    /// <summary>The SmoothL1 β for the next loss, or null for the config's.</summary>
    public Func<double>? SmoothL1Beta { get; init; }

    /// <summary>
    /// Publish the original repository's β pool (<see cref="Dynamic.DynamicRcnnStatistics.RegressionErrors"/>), which
    /// costs an extra encode of every proposal (default false).
    /// </summary>
    public bool PublishRegressionErrors { get; init; }
}
