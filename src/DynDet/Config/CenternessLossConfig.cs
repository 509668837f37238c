namespace DynDet.Config;

/// <summary>The centerness loss: binary cross-entropy on logits against the centerness targets (SPEC §4).</summary>
public sealed record CenternessLossConfig
{
    /// <summary>Multiplier of the loss (default 1.0; &gt;= 0).</summary>
    [ConfigRange(0)]
    public double Weight { get; init; } = 1.0;
}
