using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>
/// RetinaNet (<c>type</c> <c>retinanet</c>; SPEC §3): backbone, FPN P3–P7 and the dense RetinaNet head. The defaults
/// are MMDetection's <c>retinanet_r50_fpn_1x_coco</c>.
/// </summary>
public sealed record RetinaNetModelConfig : ModelConfig
{
    /// <summary>Creates the config with RetinaNet's neck: C3–C5, extra convs on the input, five levels.</summary>
    public RetinaNetModelConfig()
    {
        Neck = new NeckConfig { StartLevel = 1, AddExtraConvs = ExtraConvs.OnInput, NumOuts = 5 };
    }

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => "retinanet";

    /// <summary>The dense head.</summary>
    public RetinaHeadConfig BboxHead { get; init; } = new();
}
