using System.Globalization;
using System.Text;

namespace DynDet.Comparison;

/// <summary>The comparison as text: per row, each metric's mean ± std over seeds (× 100), then each row's paired difference against the baseline.</summary>
public static class CompareTable
{
    /// <summary>A cell's text: <c>39.4 ± 1.2</c> (× 100, one decimal), <c>–</c> when undefined.</summary>
    public static string Cell(double mean, double std) =>
        double.IsFinite(mean)
            ? string.Create(CultureInfo.InvariantCulture, $"{100 * mean:F1} ± {(double.IsFinite(std) ? 100 * std : 0):F1}")
            : "–";

    /// <summary>A difference's text: <c>+1.3 ± 0.8</c> (× 100, signed).</summary>
    public static string Difference(double mean, double std) =>
        double.IsFinite(mean)
            ? string.Create(CultureInfo.InvariantCulture, $"{100 * mean:+0.0;-0.0;0.0} ± {(double.IsFinite(std) ? 100 * std : 0):F1}")
            : "–";

    /// <summary>The Markdown tables of <paramref name="result"/>.</summary>
    public static string Format(CompareResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var metrics = CompareResult.TableMetrics;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| row | seeds | {string.Join(" | ", metrics)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"|---|---|{string.Concat(metrics.Select(_ => "---|"))}");
        for (int r = 0; r < result.Rows.Count; r++)
        {
            int seeds = result.Summary(r, "AP").Seeds;
            text.Append(CultureInfo.InvariantCulture, $"| {result.Rows[r].Label} | {seeds} |");
            foreach (var m in metrics)
            {
                var (mean, std, _) = result.Summary(r, m);
                text.Append(' ').Append(Cell(mean, std)).Append(" |");
            }

            text.AppendLine();
        }

        if (result.Rows.Count > 1)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Paired difference against {result.Rows[0].Label} (same seeds), mean ± std:");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"| row | pairs | {string.Join(" | ", metrics)} |");
            text.AppendLine(CultureInfo.InvariantCulture, $"|---|---|{string.Concat(metrics.Select(_ => "---|"))}");
            for (int r = 1; r < result.Rows.Count; r++)
            {
                int pairs = result.Difference(r, "AP").Pairs;
                text.Append(CultureInfo.InvariantCulture, $"| {result.Rows[r].Label} | {pairs} |");
                foreach (var m in metrics)
                {
                    var (mean, std, _) = result.Difference(r, m);
                    text.Append(' ').Append(Difference(mean, std)).Append(" |");
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }
}
