namespace DynDet.Config;

/// <summary>The FPN neck (SPEC §0.5).</summary>
public sealed record NeckConfig
{
    /// <summary>Channels of every level (default 256; in [1, 4096]).</summary>
    [ConfigRange(1, 4096)]
    public int OutChannels { get; init; } = 256;

    /// <summary>
    /// Levels out (default 5: P2–P6; in [4, 8]: the four backbone stages plus extra levels; as many as
    /// <c>model.rpn.anchor.strides</c> has entries).
    /// </summary>
    [ConfigRange(4, 8)]
    public int NumOuts { get; init; } = 5;
}
