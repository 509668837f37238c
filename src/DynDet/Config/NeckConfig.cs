namespace DynDet.Config;

/// <summary>The FPN neck (SPEC §0.5).</summary>
public sealed record NeckConfig
{
    /// <summary>Channels of every level (default 256; in [1, 4096]).</summary>
    [ConfigRange(1, 4096)]
    public int OutChannels { get; init; } = 256;

    /// <summary>
    /// Levels out (default 5: P2–P6; in [4, 8]: the backbone stages used plus extra levels; as many as the anchor
    /// strides have entries).
    /// </summary>
    [ConfigRange(4, 8)]
    public int NumOuts { get; init; } = 5;

    /// <summary>First backbone stage used (default 0: C2; 1 for RetinaNet's C3–C5; in [0, 3]).</summary>
    [ConfigRange(0, 3)]
    public int StartLevel { get; init; }

    /// <summary>Extra levels: <c>none</c> (default: max-pool, Faster R-CNN), <c>on_input</c> (RetinaNet) or <c>on_output</c> (FCOS, ATSS).</summary>
    public ExtraConvs AddExtraConvs { get; init; } = ExtraConvs.None;

    /// <summary>ReLU before every extra conv but the first (default false; true for FCOS and torchvision's P6P7).</summary>
    public bool ReluBeforeExtraConvs { get; init; }
}
