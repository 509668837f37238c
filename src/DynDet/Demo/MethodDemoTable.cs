using System.Globalization;
using System.Text;
using DynDet.Comparison;

namespace DynDet.Demo;

/// <summary>
/// A method demo as text: this run's AP to AP90 per row (× 100), the study's mean ± std over its seeds beside it, the
/// difference against the first row (the study's as a paired mean ± std), and the study's finding and command.
/// </summary>
public static class MethodDemoTable
{
    private static readonly string[] RunMetrics = ["AP", "AP50", "AP60", "AP70", "AP80", "AP90"];

    /// <summary>The table of <paramref name="result"/>.</summary>
    public static string Format(MethodDemoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var study = result.Study;
        var run = result.Run;
        int seed = run.Cells.Count > 0 ? run.Cells[0].Seed : study.Seeds[0];
        int width = Math.Max(12, run.Rows.Max(r => r.Label.Length) + 4);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{study.Title}: COCO AP x 100 of this run (seed {seed}) | the study's mean ± std over seeds {string.Join(",", study.Seeds)}");
        text.Append("row".PadRight(width));
        foreach (string metric in RunMetrics)
        {
            text.Append(CultureInfo.InvariantCulture, $"{metric,7}");
        }

        text.AppendLine(" |     study AP   study AP90");
        for (int r = 0; r < run.Rows.Count; r++)
        {
            text.Append(run.Rows[r].Label.PadRight(width));
            foreach (string metric in RunMetrics)
            {
                text.Append(CultureInfo.InvariantCulture, $"{Value(run, r, metric),7}");
            }

            int s = result.StudyRows[r];
            var (apMean, apStd, _) = study.Result.Summary(s, "AP");
            var (ap90Mean, ap90Std, _) = study.Result.Summary(s, "AP90");
            text.AppendLine(CultureInfo.InvariantCulture, $" | {CompareTable.Cell(apMean, apStd),12} {CompareTable.Cell(ap90Mean, ap90Std),12}");
        }

        if (run.Rows.Count > 1)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Δ: the row minus {run.Rows[0].Label}, this run | the study's paired difference over its seeds");
        }

        for (int r = 1; r < run.Rows.Count; r++)
        {
            text.Append(("Δ " + run.Rows[r].Label).PadRight(width));
            foreach (string metric in RunMetrics)
            {
                var (mean, _, pairs) = run.Difference(r, metric);
                text.Append(CultureInfo.InvariantCulture, $"{(pairs == 0 ? "-" : (100 * mean).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)),7}");
            }

            var (dAp, dApStd, _) = study.Result.Difference(result.StudyRows[r], result.StudyRows[0], "AP");
            var (dAp90, dAp90Std, _) = study.Result.Difference(result.StudyRows[r], result.StudyRows[0], "AP90");
            text.AppendLine(CultureInfo.InvariantCulture,
                $" | {CompareTable.Difference(dAp, dApStd),12} {CompareTable.Difference(dAp90, dAp90Std),12}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"study: {study.Finding}");
        text.AppendLine(CultureInfo.InvariantCulture, $"study command: {study.Command}");
        return text.ToString();
    }

    private static string Value(CompareResult run, int row, string metric) =>
        run.BySeed(row, metric).Values.FirstOrDefault(-1) is var v && v >= 0 ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) : "-";
}
