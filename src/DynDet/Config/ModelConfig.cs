namespace DynDet.Config;

/// <summary>The detector (SPEC §2): backbone, neck, RPN, R-CNN head and the dynamic strategies.</summary>
public sealed record ModelConfig
{
    /// <summary>Detector type: <c>faster_rcnn</c> (the default and the only one so far).</summary>
    [ConfigChoice("faster_rcnn")]
    public string Type { get; init; } = "faster_rcnn";

    /// <summary>
    /// Whose conventions the building blocks follow: MMDetection's (default) or torchvision's (anchors rounded
    /// and placed by image/grid strides, torchvision's box coder and RoI level mapping, its low-quality matches)
    /// — the latter for configs that mirror torchvision, such as the benchmark's: <c>mmdetection</c> or
    /// <c>torchvision</c>.
    /// </summary>
    public ImplementationStyle Style { get; init; } = ImplementationStyle.Mmdetection;

    /// <summary>Foreground classes (default 0: taken from the training data; in [0, 100000]).</summary>
    [ConfigRange(0, 100_000)]
    public int NumClasses { get; init; }

    /// <summary>Backbone.</summary>
    public BackboneConfig Backbone { get; init; } = new();

    /// <summary>Neck.</summary>
    public NeckConfig Neck { get; init; } = new();

    /// <summary>Region proposal network.</summary>
    public RpnConfig Rpn { get; init; } = new();

    /// <summary>R-CNN head.</summary>
    public RoiHeadConfig RoiHead { get; init; } = new();

    /// <summary>Dynamic R-CNN, or null for the plain Faster R-CNN baseline.</summary>
    public DynamicRcnnConfig? DynamicRcnn { get; init; }
}
