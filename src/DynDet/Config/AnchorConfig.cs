namespace DynDet.Config;

/// <summary>Anchor generator (SPEC §2.2 "Anchors").</summary>
public sealed record AnchorConfig
{
    /// <summary>Anchor scales in units of the stride (default [8]; at least one, each &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true, MinEntries = 1)]
    public IReadOnlyList<double> Scales { get; init; } = [8];

    /// <summary>Height/width ratios (default [0.5, 1, 2]; at least one, each &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true, MinEntries = 1)]
    public IReadOnlyList<double> Ratios { get; init; } = [0.5, 1.0, 2.0];

    /// <summary>
    /// Strides of the levels (default P2–P6: [4, 8, 16, 32, 64]; each in [1, 1024], one per FPN level, so as many as
    /// <c>model.neck.num_outs</c>).
    /// </summary>
    [ConfigRange(1, 1024, MinEntries = 1)]
    public IReadOnlyList<int> Strides { get; init; } = [4, 8, 16, 32, 64];
}
