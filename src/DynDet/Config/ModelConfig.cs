namespace DynDet.Config;

/// <summary>The detector (SPEC §2): backbone, neck, RPN, R-CNN head and the dynamic strategies.</summary>
public sealed record ModelConfig
{
    /// <summary>Detector type: <c>faster_rcnn</c> (the only one so far).</summary>
    public string Type { get; init; } = "faster_rcnn";

    /// <summary>Foreground classes; 0 takes them from the training data.</summary>
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
