namespace DynDet.Config;

/// <summary>
/// MMDetection's <c>FCOSHead</c> (SPEC §4): towers, per-level strides and regress ranges, target rules, losses and
/// test settings. The defaults are the base config (<c>fcos_r50_caffe_fpn_gn-head_1x_coco</c>); the "tricks" config
/// sets <c>center_sampling</c>, <c>norm_on_bbox</c>, <c>centerness_on_reg</c>, <c>conv_bias</c>, GIoU and NMS 0.6.
/// </summary>
public sealed record FcosHeadConfig
{
    /// <summary>The groups of the towers' group norm (MMDetection's <c>num_groups=32</c>).</summary>
    public const int GroupNormGroups = 32;

    /// <summary>3×3 conv (+ GN) + ReLU layers in each tower (default 4; in [0, 16]).</summary>
    [ConfigRange(0, 16)]
    public int StackedConvs { get; init; } = 4;

    /// <summary>Channels of the tower convs (default 256; in [1, 4096]; a multiple of 32 with group norm).</summary>
    [ConfigRange(1, 4096)]
    public int FeatChannels { get; init; } = 256;

    /// <summary>Stride of each pyramid level in pixels (default 8, 16, 32, 64, 128 for P3–P7; each in [1, 1024]; one per level).</summary>
    [ConfigRange(1, 1024, MinEntries = 1)]
    public IReadOnlyList<int> Strides { get; init; } = [8, 16, 32, 64, 128];

    /// <summary>
    /// Per level, <c>[low, high]</c>: a gt is a point's target there only when the point's largest distance to its
    /// sides lies in it (default [−1, 64], [64, 128], [128, 256], [256, 512], [512, 1e8]; each value in [-1, 100000000],
    /// low &lt;= high; one per stride). MMDetection includes both ends, torchvision's matcher (style torchvision) neither.
    /// </summary>
    [ConfigRange(-1, 1e8, Entries = 2, MinEntries = 1)]
    public IReadOnlyList<IReadOnlyList<double>> RegressRanges { get; init; } =
        [[-1, 64], [64, 128], [128, 256], [256, 512], [512, 1e8]];

    /// <summary>
    /// Centre sampling: positives only near the gt centre (default false; true in the tricks config). With style
    /// torchvision the matcher always samples within <c>center_sample_radius</c> anchor sizes of the centre.
    /// </summary>
    public bool CenterSampling { get; init; }

    /// <summary>Radius of centre sampling in strides (default 1.5; in (0, 16]).</summary>
    [ConfigRange(0, 16, MinExclusive = true)]
    public double CenterSampleRadius { get; init; } = 1.5;

    /// <summary>
    /// Distances in strides: the head predicts <c>relu(scale·x)</c> and the targets are divided by the stride (default
    /// false: <c>exp(scale·x)</c> in pixels; true in the tricks config and torchvision's FCOS).
    /// </summary>
    public bool NormOnBbox { get; init; }

    /// <summary>Centerness from the box tower (default false: from the classification tower; true in the tricks config and torchvision's).</summary>
    public bool CenternessOnReg { get; init; }

    /// <summary>
    /// Biases in the tower convs (default null, MMDetection's 'auto': only without a norm; true in the tricks config and
    /// torchvision's).
    /// </summary>
    public bool? ConvBias { get; init; }

    /// <summary>Normalisation in the towers: <c>group_norm</c> (default, 32 groups) or <c>none</c>.</summary>
    public HeadNorm Norm { get; init; } = HeadNorm.GroupNorm;

    /// <summary>Classification loss: sigmoid focal loss α 0.25, γ 2.</summary>
    public FocalLossConfig LossCls { get; init; } = new();

    /// <summary>Box loss on decoded boxes: IoU (default) or GIoU, weight 1.</summary>
    public IouLossConfig LossBbox { get; init; } = new();

    /// <summary>Centerness loss: BCE with logits, weight 1.</summary>
    public CenternessLossConfig LossCenterness { get; init; } = new();

    /// <summary>Test-time post-processing (nms_pre 1000, score 0.05, NMS 0.5, 100 per image).</summary>
    public DenseTestConfig Test { get; init; } = new();

    /// <summary>Multi-scale loss balancing of this head's per-level losses (SPEC §7.1; default null: off).</summary>
    public LevelBalancerConfig? Balancer { get; init; }
}
