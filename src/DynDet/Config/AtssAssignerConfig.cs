using System.Text.Json.Serialization;
using DynDet.Assignment;

namespace DynDet.Config;

/// <summary>The ATSS assigner (SPEC §5.2).</summary>
public sealed record AtssAssignerConfig
{
    /// <summary>
    /// Candidates per gt and pyramid level: the anchors whose centres are nearest the gt's centre (MMDetection's
    /// <c>topk</c>; default 9; in [1, 1000]).
    /// </summary>
    [ConfigRange(1, 1000)]
    [JsonPropertyName("topk")]
    public int TopK { get; init; } = 9;

    /// <summary>The assigner options these settings describe.</summary>
    public AtssAssignerOptions ToOptions() => new() { TopK = TopK };
}
