namespace DynDet.Config;

/// <summary>The region proposal network (SPEC §2.1).</summary>
public sealed record RpnConfig
{
    /// <summary>Anchors.</summary>
    public AnchorConfig Anchor { get; init; } = new();

    /// <summary>Anchor assignment (0.7 / 0.3 / 0.3 with low-quality matches).</summary>
    public AssignerConfig Assigner { get; init; } = new() { PosIouThr = 0.7, NegIouThr = 0.3, MinPosIou = 0.3, MatchLowQuality = true };

    /// <summary>Anchor sampling (256, half positive, no gts added).</summary>
    public SamplerConfig Sampler { get; init; } = new() { Num = 256, PosFraction = 0.5, AddGtAsProposals = false };

    /// <summary>Box loss on anchor deltas (L1).</summary>
    public BoxLossConfig LossBox { get; init; } = new();

    /// <summary>Proposals while training.</summary>
    public ProposalConfig TrainProposals { get; init; } = new();

    /// <summary>Proposals at test time.</summary>
    public ProposalConfig TestProposals { get; init; } = new() { NmsPre = 1000 };

    /// <summary>Multi-scale loss balancing of this head's per-level losses (SPEC §7.1; default null: off).</summary>
    public LevelBalancerConfig? Balancer { get; init; }
}
