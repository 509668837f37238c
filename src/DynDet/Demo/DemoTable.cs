using System.Globalization;
using System.Text;
using DynDet.Evaluation;

namespace DynDet.Demo;

/// <summary>The comparison table of the demo, laid out like Table 2 of the Dynamic R-CNN paper (AP × 100).</summary>
public static class DemoTable
{
    /// <summary>The columns: name and value.</summary>
    public static IReadOnlyList<(string Name, Func<CocoEvaluation, double> Value)> Columns { get; } =
    [
        ("AP", e => e.AP), ("AP50", e => e.AP50), ("AP60", e => e.AP60), ("AP70", e => e.AP70),
        ("AP80", e => e.AP80), ("AP90", e => e.AP90), ("APs", e => e.APSmall), ("APm", e => e.APMedium),
        ("APl", e => e.APLarge),
    ];

    /// <summary>Plain-text table: one row per run and a difference row.</summary>
    public static string Format(DemoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{"method",-22}");
        foreach (var (name, _) in Columns)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name,7}");
        }

        text.AppendLine();
        foreach (var run in new[] { result.Baseline, result.Dynamic })
        {
            text.Append(CultureInfo.InvariantCulture, $"{run.Label,-22}");
            foreach (var (_, value) in Columns)
            {
                text.Append(CultureInfo.InvariantCulture, $"{Percent(value(run.Evaluation.Coco)),7}");
            }

            text.AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"{"difference",-22}");
        foreach (var (_, value) in Columns)
        {
            double a = value(result.Baseline.Evaluation.Coco), b = value(result.Dynamic.Evaluation.Coco);
            text.Append(CultureInfo.InvariantCulture, $"{(a < 0 || b < 0 ? "-" : ((b - a) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)),7}");
        }

        text.AppendLine();
        return text.ToString();
    }

    /// <summary>A value × 100 with one decimal, or "-" when undefined (−1).</summary>
    public static string Percent(double value) =>
        value < 0 ? "-" : (value * 100).ToString("F1", CultureInfo.InvariantCulture);
}
