using System.Globalization;
using System.Text;
using DynDet.Comparison;
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

    /// <summary>
    /// Plain-text table: one row per run and a difference row; with a study whose rows include both presets, the
    /// study's AP and AP90 (mean ± std over its seeds, and the paired difference) beside them, then its finding.
    /// </summary>
    public static string Format(DemoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var study = result.Study;
        int baselineRow = study?.RowOf(result.Baseline.Preset) ?? -1, dynamicRow = study?.RowOf(result.Dynamic.Preset) ?? -1;
        bool withStudy = study is not null && baselineRow >= 0 && dynamicRow >= 0;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{"method",-22}");
        foreach (var (name, _) in Columns)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name,7}");
        }

        text.AppendLine(withStudy ? string.Create(CultureInfo.InvariantCulture, $" |  study AP ({study!.Seeds.Count} seeds)   study AP90") : "");
        foreach (var (run, row) in new[] { (result.Baseline, baselineRow), (result.Dynamic, dynamicRow) })
        {
            text.Append(CultureInfo.InvariantCulture, $"{run.Label,-22}");
            foreach (var (_, value) in Columns)
            {
                text.Append(CultureInfo.InvariantCulture, $"{Percent(value(run.Evaluation.Coco)),7}");
            }

            text.AppendLine(withStudy ? StudyCells(study!.Result.Summary(row, "AP"), study.Result.Summary(row, "AP90"), CompareTable.Cell) : "");
        }

        text.Append(CultureInfo.InvariantCulture, $"{"difference",-22}");
        foreach (var (_, value) in Columns)
        {
            double a = value(result.Baseline.Evaluation.Coco), b = value(result.Dynamic.Evaluation.Coco);
            text.Append(CultureInfo.InvariantCulture, $"{(a < 0 || b < 0 ? "-" : ((b - a) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)),7}");
        }

        text.AppendLine(withStudy
            ? StudyCells(study!.Result.Difference(dynamicRow, baselineRow, "AP"), study.Result.Difference(dynamicRow, baselineRow, "AP90"), CompareTable.Difference) + "  (paired)"
            : "");
        if (withStudy)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"study ({study!.Title}): {study.Finding}");
            text.AppendLine(CultureInfo.InvariantCulture, $"study command: {study.Command}");
        }

        return text.ToString();
    }

    private static string StudyCells((double Mean, double Std, int N) ap, (double Mean, double Std, int N) ap90, Func<double, double, string> cell) =>
        string.Create(CultureInfo.InvariantCulture, $" | {cell(ap.Mean, ap.Std),19} {cell(ap90.Mean, ap90.Std),12}");

    /// <summary>A value × 100 with one decimal, or "-" when undefined (−1).</summary>
    public static string Percent(double value) =>
        value < 0 ? "-" : (value * 100).ToString("F1", CultureInfo.InvariantCulture);
}
