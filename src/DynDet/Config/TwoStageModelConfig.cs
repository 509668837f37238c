using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>
/// A two-stage detector (<c>type</c> <c>faster_rcnn</c>; SPEC §1–2): backbone, FPN, RPN, R-CNN head and, for Dynamic
/// R-CNN, the dynamic strategies of its R-CNN head.
/// </summary>
public sealed record TwoStageModelConfig : ModelConfig
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => "faster_rcnn";

    /// <summary>Region proposal network.</summary>
    public RpnConfig Rpn { get; init; } = new();

    /// <summary>R-CNN head.</summary>
    public RoiHeadConfig RoiHead { get; init; } = new();

    /// <summary>Dynamic R-CNN, or null for the plain Faster R-CNN baseline.</summary>
    public DynamicRcnnConfig? DynamicRcnn { get; init; }
}
