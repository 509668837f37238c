using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>Dynamic R-CNN's label assignment (DLA) and SmoothL1 (DSL) (SPEC §1.1).</summary>
public sealed record DynamicRcnnConfig
{
    /// <summary>K_I: the K_I-th largest IoU per image (default 75; &gt;= 1).</summary>
    [JsonPropertyName("iou_topk")]
    [ConfigRange(1)]
    public int IouTopK { get; init; } = 75;

    /// <summary>K_β per image: the (K_β × images)-th smallest regression error (default 10; &gt;= 1).</summary>
    [JsonPropertyName("beta_topk")]
    [ConfigRange(1)]
    public int BetaTopK { get; init; } = 10;

    /// <summary>C: iterations between updates (default 100; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int UpdateInterval { get; init; } = 100;

    /// <summary>Floor of the IoU threshold (default 0.4; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double InitialIou { get; init; } = 0.4;

    /// <summary>Initial and largest SmoothL1 β (default 1.0; &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true)]
    public double InitialBeta { get; init; } = 1.0;

    /// <summary>MMDetection's rules (<c>mmdet</c>, default) or the original repository's (<c>original</c>).</summary>
    public DynamicRcnnVariant Variant { get; init; } = DynamicRcnnVariant.Mmdet;

    /// <summary>Whether the IoU threshold adapts (DLA; true).</summary>
    public bool DynamicIou { get; init; } = true;

    /// <summary>Whether β adapts (DSL; true).</summary>
    public bool DynamicBeta { get; init; } = true;
}
