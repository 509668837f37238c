namespace DynDet.Config;

/// <summary>The R-CNN head (SPEC §2.1).</summary>
public sealed record RoiHeadConfig
{
    /// <summary>Side of the pooled features (default 7; in [1, 32]).</summary>
    [ConfigRange(1, 32)]
    public int RoiSize { get; init; } = 7;

    /// <summary>RoIAlign samples per bin side (default 0 = adaptive, MMDetection's; 2 = torchvision's; in [0, 16]).</summary>
    [ConfigRange(0, 16)]
    public int SamplingRatio { get; init; }

    /// <summary>RoIAlign half-pixel alignment (true in MMDetection, false in torchvision).</summary>
    public bool Aligned { get; init; } = true;

    /// <summary>Finest scale of MMDetection's RoI level mapping, in pixels (default 56; &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true)]
    public double FinestScale { get; init; } = 56;

    /// <summary>Width of the two shared fully connected layers (default 1024; in [1, 16384]).</summary>
    [ConfigRange(1, 16384)]
    public int FcChannels { get; init; } = 1024;

    /// <summary>Delta normalisation stds (default [0.1, 0.1, 0.2, 0.2]; 4 entries, each &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true, Entries = 4)]
    public IReadOnlyList<double> TargetStds { get; init; } = [0.1, 0.1, 0.2, 0.2];

    /// <summary>Proposal assignment (0.5 / 0.5 / 0.5, no low-quality matches).</summary>
    public AssignerConfig Assigner { get; init; } = new();

    /// <summary>Proposal sampling (512, a quarter positive, gts added).</summary>
    public SamplerConfig Sampler { get; init; } = new();

    /// <summary>Box loss (L1; SmoothL1 in Dynamic R-CNN).</summary>
    public BoxLossConfig LossBox { get; init; } = new();

    /// <summary>Test-time post-processing.</summary>
    public RcnnTestConfig Test { get; init; } = new();

    /// <summary>Multi-scale loss balancing of this head's per-level losses (SPEC §7.1; default null: off).</summary>
    public LevelBalancerConfig? Balancer { get; init; }
}
