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

    /// <summary>
    /// Dynamic ATSS (SPEC §7.2): assign by the combined IoU <c>pIoU + aIoU</c> of each anchor's current predicted box
    /// (decoded, detached) and the anchor itself, with the threshold per gt
    /// <c>(mean pIoU + mean aIoU) + (std pIoU + std aIoU)</c> (default false: ATSS).
    /// </summary>
    public bool CombinedIous { get; init; }

    /// <summary>
    /// With <see cref="CombinedIous"/>: how the two IoUs are weighed, <c>sum</c> (default, 1 : 1), <c>d_up</c>
    /// (pIoU × t/T), <c>d_down</c> (aIoU × (1 − t/T)) or <c>d_up_down</c> (both), t the iterations done, T the run's.
    /// </summary>
    public CombinedIouBalance Balance { get; init; } = CombinedIouBalance.Sum;

    /// <summary>The assigner options these settings describe.</summary>
    public AtssAssignerOptions ToOptions() => new() { TopK = TopK };
}
