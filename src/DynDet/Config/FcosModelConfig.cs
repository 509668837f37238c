using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>
/// FCOS (<c>type</c> <c>fcos</c>; SPEC §4): backbone, FPN P3–P7 with the extra levels from P5's output (ReLU before
/// the second) and the anchor-free FCOS head. The defaults are MMDetection's <c>fcos_r50_caffe_fpn_gn-head_1x_coco</c>
/// head and neck.
/// </summary>
public sealed record FcosModelConfig : ModelConfig
{
    /// <summary>Creates the config with FCOS's neck: C3–C5, extra convs on the output with ReLU, five levels.</summary>
    public FcosModelConfig()
    {
        Neck = new NeckConfig { StartLevel = 1, AddExtraConvs = ExtraConvs.OnOutput, NumOuts = 5, ReluBeforeExtraConvs = true };
    }

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => "fcos";

    /// <summary>The dense head.</summary>
    public FcosHeadConfig BboxHead { get; init; } = new();
}
