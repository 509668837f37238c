namespace DynDet.Dynamic;

/// <summary>
/// What a dynamic strategy must carry across a checkpoint (and what a multi-process run reduces): its
/// current values and the statistics gathered since its last update.
/// </summary>
/// <param name="Values">Current values by name (e.g. <c>iou_threshold</c>, <c>beta</c>).</param>
/// <param name="Histories">Statistics gathered since the last update, oldest first, by name.</param>
public sealed record StrategyState(
    IReadOnlyDictionary<string, double> Values,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Histories);
