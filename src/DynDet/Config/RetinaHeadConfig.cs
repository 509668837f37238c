namespace DynDet.Config;

/// <summary>MMDetection's <c>RetinaHead</c> (SPEC §3): towers, anchors, assignment, losses and test settings.</summary>
public sealed record RetinaHeadConfig
{
    /// <summary>3×3 conv + ReLU layers in each tower (default 4; in [0, 16]).</summary>
    [ConfigRange(0, 16)]
    public int StackedConvs { get; init; } = 4;

    /// <summary>Channels of the tower convs (default 256; in [1, 4096]).</summary>
    [ConfigRange(1, 4096)]
    public int FeatChannels { get; init; } = 256;

    /// <summary>Anchors: strides 8–128, octave base scale 4, 3 scales per octave, ratios 0.5/1/2 (9 per location).</summary>
    public AnchorConfig Anchor { get; init; } = new()
    {
        Strides = [8, 16, 32, 64, 128],
        OctaveBaseScale = 4,
        ScalesPerOctave = 3,
    };

    /// <summary>Anchor assignment: MaxIoU 0.5 / 0.4, low-quality matches from IoU 0.</summary>
    public AssignerConfig Assigner { get; init; } = new() { PosIouThr = 0.5, NegIouThr = 0.4, MinPosIou = 0, MatchLowQuality = true };

    /// <summary>Classification loss: sigmoid focal loss α 0.25, γ 2.</summary>
    public FocalLossConfig LossCls { get; init; } = new();

    /// <summary>Box loss on anchor deltas (L1, weight 1).</summary>
    public BoxLossConfig LossBox { get; init; } = new();

    /// <summary>Test-time post-processing.</summary>
    public DenseTestConfig Test { get; init; } = new();

    /// <summary>Multi-scale loss balancing of this head's per-level losses (SPEC §7.1; default null: off).</summary>
    public LevelBalancerConfig? Balancer { get; init; }
}
