namespace DynDet.Config;

/// <summary>The R-CNN head (SPEC §2.1).</summary>
public sealed record RoiHeadConfig
{
    /// <summary>Side of the pooled features (7).</summary>
    public int RoiSize { get; init; } = 7;

    /// <summary>RoIAlign samples per bin side; 0 = adaptive (MMDetection), 2 = torchvision's.</summary>
    public int SamplingRatio { get; init; }

    /// <summary>RoIAlign half-pixel alignment (true in MMDetection, false in torchvision).</summary>
    public bool Aligned { get; init; } = true;

    /// <summary>RoI level mapping: MMDetection's finest scale (56), or torchvision's canonical rule when false.</summary>
    public bool MmdetLevelMapping { get; init; } = true;

    /// <summary>Finest scale of MMDetection's mapping.</summary>
    public double FinestScale { get; init; } = 56;

    /// <summary>Width of the two shared fully connected layers (1024).</summary>
    public int FcChannels { get; init; } = 1024;

    /// <summary>Delta normalisation stds (0.1, 0.1, 0.2, 0.2).</summary>
    public IReadOnlyList<double> TargetStds { get; init; } = [0.1, 0.1, 0.2, 0.2];

    /// <summary>Proposal assignment (0.5 / 0.5 / 0.5, no low-quality matches).</summary>
    public AssignerConfig Assigner { get; init; } = new();

    /// <summary>Proposal sampling (512, a quarter positive, gts added).</summary>
    public SamplerConfig Sampler { get; init; } = new();

    /// <summary>Box loss (L1; SmoothL1 in Dynamic R-CNN).</summary>
    public BoxLossConfig LossBox { get; init; } = new();

    /// <summary>Test-time post-processing.</summary>
    public RcnnTestConfig Test { get; init; } = new();
}
