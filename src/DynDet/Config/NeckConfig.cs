namespace DynDet.Config;

/// <summary>The FPN neck (SPEC §0.5).</summary>
public sealed record NeckConfig
{
    /// <summary>Channels of every level (256).</summary>
    public int OutChannels { get; init; } = 256;

    /// <summary>Levels out (5: P2–P6).</summary>
    public int NumOuts { get; init; } = 5;
}
