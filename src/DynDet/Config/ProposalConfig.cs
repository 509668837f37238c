namespace DynDet.Config;

/// <summary>RPN proposal selection (SPEC §2.2 "Proposals").</summary>
public sealed record ProposalConfig
{
    /// <summary>Boxes kept per level before NMS, by objectness.</summary>
    public int NmsPre { get; init; } = 2000;

    /// <summary>Proposals kept per image after NMS.</summary>
    public int MaxPerImage { get; init; } = 1000;

    /// <summary>NMS IoU threshold (0.7; 0.85 in Dynamic R-CNN).</summary>
    public double NmsIou { get; init; } = 0.7;

    /// <summary>Boxes with width or height at or below this are dropped (0 drops empty boxes).</summary>
    public double MinBoxSize { get; init; }

    /// <summary>
    /// Run NMS within each level (MMDetection; default true) or over all levels at once (torchvision:
    /// also per level, via batched NMS by level).
    /// </summary>
    public bool NmsPerLevel { get; init; } = true;
}
