namespace DynDet.Config;

/// <summary>Sigmoid focal loss (SPEC §3).</summary>
public sealed record FocalLossConfig
{
    /// <summary>Weight of the positive targets α (default 0.25; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double Alpha { get; init; } = 0.25;

    /// <summary>Focusing exponent γ (default 2.0; in [0, 10]).</summary>
    [ConfigRange(0, 10)]
    public double Gamma { get; init; } = 2.0;

    /// <summary>Multiplier of the loss (default 1.0; &gt;= 0).</summary>
    [ConfigRange(0)]
    public double Weight { get; init; } = 1.0;
}
