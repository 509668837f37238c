namespace DynDet.Config;

/// <summary>A box regression loss and its weight.</summary>
public sealed record BoxLossConfig
{
    /// <summary><c>l1</c> (default) or <c>smooth_l1</c>.</summary>
    public BoxLossKind Type { get; init; } = BoxLossKind.L1;

    /// <summary>SmoothL1 β (default 1.0; &gt; 0; unused by L1).</summary>
    [ConfigRange(0, MinExclusive = true)]
    public double Beta { get; init; } = 1.0;

    /// <summary>Multiplier of the loss (default 1.0; &gt;= 0).</summary>
    [ConfigRange(0)]
    public double Weight { get; init; } = 1.0;
}
