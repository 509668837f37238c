namespace DynDet.Config;

/// <summary>Anchor generator (SPEC §2.2 "Anchors").</summary>
public sealed record AnchorConfig
{
    /// <summary>Anchor scales in units of the stride (default [8]).</summary>
    public IReadOnlyList<double> Scales { get; init; } = [8];

    /// <summary>Height/width ratios (default [0.5, 1, 2]).</summary>
    public IReadOnlyList<double> Ratios { get; init; } = [0.5, 1.0, 2.0];

    /// <summary>Strides of the levels (default P2–P6: [4, 8, 16, 32, 64]).</summary>
    public IReadOnlyList<int> Strides { get; init; } = [4, 8, 16, 32, 64];

    /// <summary>Round base anchors to integers as torchvision does (default false).</summary>
    public bool RoundBase { get; init; }
}
