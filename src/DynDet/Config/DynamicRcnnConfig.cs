using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>Dynamic R-CNN's label assignment (DLA) and SmoothL1 (DSL) (SPEC §1.1).</summary>
public sealed record DynamicRcnnConfig
{
    /// <summary>K_I: the K_I-th largest IoU per image (75).</summary>
    [JsonPropertyName("iou_topk")]
    public int IouTopK { get; init; } = 75;

    /// <summary>K_β per image: the (K_β × images)-th smallest regression error (10).</summary>
    [JsonPropertyName("beta_topk")]
    public int BetaTopK { get; init; } = 10;

    /// <summary>C: iterations between updates (100).</summary>
    public int UpdateInterval { get; init; } = 100;

    /// <summary>Floor of the IoU threshold (0.4).</summary>
    public double InitialIou { get; init; } = 0.4;

    /// <summary>Initial and largest SmoothL1 β (1.0).</summary>
    public double InitialBeta { get; init; } = 1.0;

    /// <summary>MMDetection's rules (default) or the original repository's.</summary>
    public DynamicRcnnVariant Variant { get; init; } = DynamicRcnnVariant.Mmdet;

    /// <summary>Whether the IoU threshold adapts (DLA; true).</summary>
    public bool DynamicIou { get; init; } = true;

    /// <summary>Whether β adapts (DSL; true).</summary>
    public bool DynamicBeta { get; init; } = true;
}
