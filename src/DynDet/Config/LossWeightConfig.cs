namespace DynDet.Config;

/// <summary>A loss whose only setting is its weight (ATSS's GIoU box loss and its centerness BCE; SPEC §5.1).</summary>
public sealed record LossWeightConfig
{
    /// <summary>Multiplier of the loss (default 1.0; 2.0 for ATSS's GIoU loss; &gt;= 0).</summary>
    [ConfigRange(0)]
    public double Weight { get; init; } = 1.0;
}
