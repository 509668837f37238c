namespace DynDet.Config;

/// <summary>A box loss on decoded boxes and its weight (SPEC §4).</summary>
public sealed record IouLossConfig
{
    /// <summary><c>iou</c> (default) or <c>giou</c>.</summary>
    public IouLossKind Type { get; init; } = IouLossKind.Iou;

    /// <summary>Multiplier of the loss (default 1.0; &gt;= 0).</summary>
    [ConfigRange(0)]
    public double Weight { get; init; } = 1.0;
}
