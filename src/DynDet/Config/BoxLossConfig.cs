namespace DynDet.Config;

/// <summary>A box regression loss and its weight.</summary>
public sealed record BoxLossConfig
{
    /// <summary>L1 or SmoothL1 (default L1).</summary>
    public BoxLossKind Type { get; init; } = BoxLossKind.L1;

    /// <summary>SmoothL1 β (&gt; 0; default 1.0).</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>Multiplier of the loss (default 1.0).</summary>
    public double Weight { get; init; } = 1.0;
}
