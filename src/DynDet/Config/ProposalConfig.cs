namespace DynDet.Config;

/// <summary>RPN proposal selection (SPEC §2.2 "Proposals").</summary>
public sealed record ProposalConfig
{
    /// <summary>Boxes kept per level before NMS, by objectness (default 2000; 1000 at test time; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int NmsPre { get; init; } = 2000;

    /// <summary>Proposals kept per image after NMS (default 1000; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int MaxPerImage { get; init; } = 1000;

    /// <summary>NMS IoU threshold (default 0.7; 0.85 in Dynamic R-CNN; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double NmsIou { get; init; } = 0.7;

    /// <summary>Boxes with width or height at or below this are dropped, in pixels (default 0: drops empty boxes; &gt;= 0).</summary>
    [ConfigRange(0)]
    public double MinBoxSize { get; init; }

    /// <summary>
    /// Run NMS within each level (MMDetection; default true) or over all levels at once (torchvision:
    /// also per level, via batched NMS by level).
    /// </summary>
    public bool NmsPerLevel { get; init; } = true;
}
