namespace DynDet.Config;

/// <summary>
/// MMDetection's <c>ATSSHead</c> (SPEC §5.1): GroupNorm towers, one square anchor per location, the ATSS assigner,
/// focal, GIoU and centerness losses, and the test settings.
/// </summary>
public sealed record AtssHeadConfig
{
    /// <summary>3×3 conv + GroupNorm + ReLU layers in each tower (default 4; in [0, 16]).</summary>
    [ConfigRange(0, 16)]
    public int StackedConvs { get; init; } = 4;

    /// <summary>Channels of the tower convs (default 256; in [1, 4096]; a multiple of <see cref="NormGroups"/>).</summary>
    [ConfigRange(1, 4096)]
    public int FeatChannels { get; init; } = 256;

    /// <summary>GroupNorm groups of the tower layers (default 32; in [1, 4096]; must divide <see cref="FeatChannels"/>).</summary>
    [ConfigRange(1, 4096)]
    public int NormGroups { get; init; } = 32;

    /// <summary>Anchors: strides 8–128, octave base scale 8, 1 scale per octave, ratio 1 (one 8·stride square per location).</summary>
    public AnchorConfig Anchor { get; init; } = new()
    {
        Strides = [8, 16, 32, 64, 128],
        OctaveBaseScale = 8,
        ScalesPerOctave = 1,
        Ratios = [1.0],
    };

    /// <summary>Anchor assignment: ATSS, top-k 9 per level.</summary>
    public AtssAssignerConfig Assigner { get; init; } = new();

    /// <summary>Delta normalisation stds (default [0.1, 0.1, 0.2, 0.2]; 4 entries, each &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true, Entries = 4)]
    public IReadOnlyList<double> TargetStds { get; init; } = [0.1, 0.1, 0.2, 0.2];

    /// <summary>Classification loss: sigmoid focal loss α 0.25, γ 2 (ATSS), or QFL / VFL to the predicted IoU (Dynamic ATSS).</summary>
    public AtssClassificationLossConfig LossCls { get; init; } = new();

    /// <summary>
    /// What the third branch learns: <c>centerness</c> (default, ATSS) or <c>iou</c> (Dynamic ATSS's IoU branch: BCE to
    /// the positive's predicted IoU, the GIoU loss weighted by that IoU, test score <c>sqrt(σ(cls)·σ(iou))</c>).
    /// </summary>
    public QualityBranch QualityBranch { get; init; } = QualityBranch.Centerness;

    /// <summary>
    /// Box loss: GIoU on decoded boxes (weight 2.0), weighted by the centerness target (or by the predicted IoU with
    /// the IoU branch) and divided by the weights' sum (at least 1).
    /// </summary>
    public LossWeightConfig LossBbox { get; init; } = new() { Weight = 2.0 };

    /// <summary>Loss of the third branch (centerness or IoU): sigmoid BCE (weight 1.0).</summary>
    public LossWeightConfig LossCenterness { get; init; } = new();

    /// <summary>Test-time post-processing (NMS IoU 0.6; the final score is class score × centerness, or sqrt(class score × IoU)).</summary>
    public DenseTestConfig Test { get; init; } = new() { NmsIou = 0.6 };

    /// <summary>Multi-scale loss balancing of this head's per-level losses (SPEC §7.1; default null: off).</summary>
    public LevelBalancerConfig? Balancer { get; init; }
}
