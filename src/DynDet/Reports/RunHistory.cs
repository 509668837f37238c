using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DynDet.Reports;

/// <summary>
/// The curves in a run's <c>metrics.json</c>: every loss term, every per-level term by level, the learning rate, the
/// dynamic values logged with the losses (grouped into families such as <c>weight_0</c>…<c>weight_4</c>), each
/// strategy's update statistic, and the evaluations.
/// </summary>
public sealed partial class RunHistory
{
    private static readonly HashSet<string> NotCurves = new(StringComparer.Ordinal) { "iter", "lr", "levels", "sec_per_iter" };

    /// <summary>Reads the curves of <paramref name="metrics"/>.</summary>
    public RunHistory(JsonObject metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var train = Entries(metrics, "train");
        foreach (var entry in train)
        {
            double x = entry["iter"]!.GetValue<long>();
            foreach (var (key, value) in entry)
            {
                if (NotCurves.Contains(key) || value is not JsonValue v || !v.TryGetValue(out double y))
                {
                    continue;
                }

                var target = key == "loss" || key.StartsWith("loss_", StringComparison.Ordinal) ? Losses : Dynamic;
                Add(target, key, x, y);
            }

            if (entry["lr"] is JsonValue lr && lr.TryGetValue(out double rate))
            {
                LearningRate.Add((x, rate));
            }

            if (entry["sec_per_iter"] is JsonValue s && s.TryGetValue(out double seconds))
            {
                SecondsPerIteration.Add((x, seconds));
            }

            if (entry["levels"] is JsonObject levels)
            {
                foreach (var (term, list) in levels)
                {
                    if (list is not JsonArray values)
                    {
                        continue;
                    }

                    if (!Levels.TryGetValue(term, out var byLevel))
                    {
                        byLevel = [];
                        Levels[term] = byLevel;
                    }

                    for (int l = 0; l < values.Count; l++)
                    {
                        while (byLevel.Count <= l)
                        {
                            byLevel.Add([]);
                        }

                        if (values[l] is JsonValue lv && lv.TryGetValue(out double ly))
                        {
                            byLevel[l].Add((x, ly));
                        }
                    }
                }
            }
        }

        foreach (var update in Entries(metrics, "dynamic"))
        {
            if (update["strategy"]?.GetValue<string>() is string strategy && update["statistic"] is JsonValue st
                && st.TryGetValue(out double statistic))
            {
                Add(Statistics, strategy, update["iter"]!.GetValue<long>(), statistic);
            }
        }

        Evaluations = Entries(metrics, "eval");
        LossesInOrder = [.. Losses.Keys.OrderBy(k => k == "loss" ? 1 : 0).ThenBy(k => k, StringComparer.Ordinal)];
    }

    /// <summary>Each loss term (and <c>loss</c>, their sum) over iterations.</summary>
    public Dictionary<string, List<(double X, double Y)>> Losses { get; } = new(StringComparer.Ordinal);

    /// <summary>The loss terms' names, terms first, the total last.</summary>
    public IReadOnlyList<string> LossesInOrder { get; }

    /// <summary>Each per-level term's curve per level, finest level first.</summary>
    public Dictionary<string, List<List<(double X, double Y)>>> Levels { get; } = new(StringComparer.Ordinal);

    /// <summary>The learning rate over iterations.</summary>
    public List<(double X, double Y)> LearningRate { get; } = [];

    /// <summary>Wall seconds per iteration over iterations.</summary>
    public List<(double X, double Y)> SecondsPerIteration { get; } = [];

    /// <summary>The dynamic values in effect (IoU threshold, β, level weights, …) over iterations, by name.</summary>
    public Dictionary<string, List<(double X, double Y)>> Dynamic { get; } = new(StringComparer.Ordinal);

    /// <summary>Each strategy's update statistic (e.g. DLA's K_I-th IoU) at its updates.</summary>
    public Dictionary<string, List<(double X, double Y)>> Statistics { get; } = new(StringComparer.Ordinal);

    /// <summary>The evaluations, oldest first (the <c>eval</c> entries of <c>metrics.json</c>).</summary>
    public IReadOnlyList<JsonObject> Evaluations { get; }

    /// <summary>
    /// The dynamic values grouped into charts: names that differ only by a trailing number (<c>w_0</c>, <c>w_1</c>;
    /// a balancer's <c>rpn.w_p2</c> … <c>rpn.w_p6</c> and <c>rpn.p0</c> … <c>rpn.p3</c>) share a family; each other name is its own.
    /// </summary>
    public IReadOnlyList<(string Family, IReadOnlyList<string> Names)> DynamicFamilies() =>
        [.. Dynamic.Keys.GroupBy(Family, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal)]))];

    /// <summary>The family of a dynamic value's name: the name without a trailing index.</summary>
    public static string Family(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var match = TrailingIndex().Match(name);
        return match.Success && match.Groups[1].Value.Length > 0 ? match.Groups[1].Value : name;
    }

    private static void Add(Dictionary<string, List<(double X, double Y)>> target, string key, double x, double y)
    {
        if (!target.TryGetValue(key, out var list))
        {
            list = [];
            target[key] = list;
        }

        list.Add((x, y));
    }

    private static List<JsonObject> Entries(JsonObject metrics, string key) =>
        metrics[key] is JsonArray array ? [.. array.OfType<JsonObject>().Where(e => e["iter"] is not null)] : [];

    [GeneratedRegex(@"^(.*?)[_.]?\d+$")]
    private static partial Regex TrailingIndex();
}
