namespace DynDet.Models.DenseHeads;

/// <summary>
/// Configuration of an <see cref="AnchorGenerator"/> (SPEC §2.2 "Anchors"), MMDetection's names. Give either
/// <see cref="Scales"/> or both <see cref="OctaveBaseScale"/> and <see cref="ScalesPerOctave"/>.
/// MMDetection's explicit per-level <c>centers</c> are not offered (no DynDet config uses them).
/// </summary>
public sealed record AnchorGeneratorOptions
{
    /// <summary>Stride of each level in pixels (default 4, 8, 16, 32, 64: Faster R-CNN's P2–P6); the same on both axes.</summary>
    public IReadOnlyList<int> Strides { get; init; } = [4, 8, 16, 32, 64];

    /// <summary>Aspect ratios height/width (default 0.5, 1, 2).</summary>
    public IReadOnlyList<double> Ratios { get; init; } = [0.5, 1.0, 2.0];

    /// <summary>Anchor scales relative to the base size (default 8: sides 32…512 with the default strides); null when octave scales are used.</summary>
    public IReadOnlyList<double>? Scales { get; init; } = [8];

    /// <summary>RetinaNet/ATSS style: scales are <c>OctaveBaseScale · 2^(i/ScalesPerOctave)</c>, i = 0..ScalesPerOctave−1 (set <see cref="Scales"/> to null).</summary>
    public double? OctaveBaseScale { get; init; }

    /// <summary>Number of octave scales (see <see cref="OctaveBaseScale"/>).</summary>
    public int? ScalesPerOctave { get; init; }

    /// <summary>Base size of each level (default null: the strides).</summary>
    public IReadOnlyList<double>? BaseSizes { get; init; }

    /// <summary>Anchor centre as a fraction of the base size (MMDetection's <c>center_offset</c>; default 0, in [0, 1)).</summary>
    public double CenterOffset { get; init; }

    /// <summary>
    /// Anchor order within a location: true (default, MMDetection's <c>scale_major=True</c> and torchvision's
    /// order) puts ratios outer and scales inner, index = ratio·#scales + scale; false puts scales outer.
    /// </summary>
    public bool ScaleMajor { get; init; } = true;

    /// <summary>
    /// torchvision's per-level <c>sizes</c> (anchor sides before the ratio), e.g. ((32,), (64,), …) or RetinaNet's
    /// ((32, 40, 50), …); only read by <see cref="AnchorStyle.TorchVision"/>, where null means
    /// <c>BaseSizes[l] · Scales[k]</c>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<double>>? Sizes { get; init; }

    /// <summary>Whose arithmetic to reproduce (default <see cref="AnchorStyle.MMDetection"/>).</summary>
    public AnchorStyle Style { get; init; } = AnchorStyle.MMDetection;

    /// <summary>Faster R-CNN R50-FPN (MMDetection): strides 4–64, scale 8, ratios 0.5/1/2: 3 anchors per location.</summary>
    public static AnchorGeneratorOptions FasterRcnn => new();

    /// <summary>RetinaNet (MMDetection): strides 8–128, octave base scale 4, 3 scales per octave, ratios 0.5/1/2: 9 anchors per location.</summary>
    public static AnchorGeneratorOptions RetinaNet => new()
    {
        Strides = [8, 16, 32, 64, 128],
        Scales = null,
        OctaveBaseScale = 4,
        ScalesPerOctave = 3,
    };

    /// <summary>ATSS (MMDetection): strides 8–128, octave base scale 8, one scale, ratio 1: one anchor per location.</summary>
    public static AnchorGeneratorOptions Atss => new()
    {
        Strides = [8, 16, 32, 64, 128],
        Ratios = [1.0],
        Scales = null,
        OctaveBaseScale = 8,
        ScalesPerOctave = 1,
    };

    /// <summary>
    /// torchvision's Faster R-CNN FPN anchors: <c>sizes ((32,), (64,), (128,), (256,), (512,))</c>, ratios
    /// 0.5/1/2, rounded base anchors, nominal strides 4–64 (see <see cref="AnchorStyle.TorchVision"/> for its
    /// image-size-derived strides).
    /// </summary>
    public static AnchorGeneratorOptions TorchVisionFasterRcnn => new()
    {
        Sizes = [[32], [64], [128], [256], [512]],
        Style = AnchorStyle.TorchVision,
    };
}
