using DynDet.Dynamic;

namespace DynDet.Training.Hooks;

/// <summary>The current values of a run's strategies under the keys the progress line and <c>metrics.json</c> use.</summary>
public static class StrategyValues
{
    /// <summary>
    /// Every strategy's current values by key: the value's own name (<c>iou_threshold</c>) when only one strategy has
    /// it, else prefixed by the instance (<c>rpn.avw.weight_p3</c>, <c>rcnn.avw.weight_p3</c>), so none is lost.
    /// </summary>
    public static Dictionary<string, double> Of(IReadOnlyList<ITrainingStrategy> strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        var all = strategies.SelectMany(s => s.Current.Select(p => (Strategy: s.Name, p.Key, p.Value))).ToList();
        var shared = all.GroupBy(v => v.Key, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        return all.ToDictionary(v => shared.Contains(v.Key) ? $"{v.Strategy}.{v.Key}" : v.Key, v => v.Value, StringComparer.Ordinal);
    }
}
