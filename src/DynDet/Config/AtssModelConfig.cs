using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>
/// ATSS (<c>type</c> <c>atss</c>; SPEC §5): backbone, FPN P3–P7 with the extra convs on the P5 output, and the ATSS
/// head. The defaults are MMDetection's <c>atss_r50_fpn_1x_coco</c>.
/// </summary>
public sealed record AtssModelConfig : ModelConfig
{
    /// <summary>Creates the config with ATSS's neck: C3–C5, extra convs on the output, five levels.</summary>
    public AtssModelConfig()
    {
        Neck = new NeckConfig { StartLevel = 1, AddExtraConvs = ExtraConvs.OnOutput, NumOuts = 5 };
    }

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => "atss";

    /// <summary>The dense head.</summary>
    public AtssHeadConfig BboxHead { get; init; } = new();
}
