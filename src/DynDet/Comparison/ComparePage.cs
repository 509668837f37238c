using System.Globalization;
using System.Net;
using System.Text;
using DynDet.Reports;
using DynDet.Torch.Serialization;

namespace DynDet.Comparison;

/// <summary>
/// The grid's <c>index.html</c>: the table of mean ± std and paired differences, then for each row the curves of its
/// seeds overlaid (every loss term, per level, learning rate, dynamic values), from the same parts as a run's report.
/// </summary>
public static class ComparePage
{
    /// <summary>Writes the page of <paramref name="result"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, CompareResult result, IReadOnlyList<int> seeds)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(seeds);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>DynDet comparison</title>");
        html.Append("<style>body{font-family:sans-serif;margin:24px;max-width:1420px}table{border-collapse:collapse;margin:8px 0}");
        html.Append("td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th:first-child,td:first-child{text-align:left}");
        html.Append(".charts{display:flex;flex-wrap:wrap;gap:12px}</style></head><body><h1>DynDet comparison</h1>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>{result.Rows.Count} rows × seeds {string.Join(", ", seeds)}; COCO AP × 100 on the validation images at the end of each run, mean ± sample std over seeds. Baseline: <code>{Encode(result.Rows[0].Label)}</code>.</p>");
        Table(html, result, difference: false);
        if (result.Rows.Count > 1)
        {
            html.Append("<h2>Paired difference against the baseline</h2><p>Per seed, row − baseline; mean ± std over the seeds both ran.</p>");
            Table(html, result, difference: true);
        }

        // Each row's runs are read once, for the side-by-side charts and for the row's own section.
        var rows = new List<(CompareRow Row, List<RunRecord> Runs, List<RunHistory> Histories)>();
        for (int r = 0; r < result.Rows.Count; r++)
        {
            var runs = result.Cells.Where(c => c.Row == r).OrderBy(c => c.Seed).Select(c => RunRecord.Load(c.Directory)).ToList();
            rows.Add((result.Rows[r], runs, runs.Select(run => new RunHistory(run.Metrics)).ToList()));
        }

        AppendSideBySide(html, [.. rows.Select(r => (r.Row.Label, r.Histories))]);
        foreach (var (row, runs, histories) in rows.Where(r => r.Runs.Count > 0))
        {
            html.Append("<h2>").Append(Encode(row.Label)).Append("</h2>");
            if (row.Label != row.Spec)
            {
                // A named row still says exactly what it ran.
                html.Append("<p><code>").Append(Encode(row.Spec)).Append("</code></p>");
            }

            RunReport.AppendTraining(html, runs, histories);
            RunReport.AppendDynamic(html, runs, histories);
        }

        html.Append(RunReport.CheckScript).Append("</body></html>");
        DurableFile.WriteAllText(path, html.ToString(), sync: false);
    }

    /// <summary>
    /// The rows side by side: the total loss and every dynamic value that two or more rows log (an assignment
    /// statistic, a weight, T, β…), one line per row, the mean over its seeds at the iterations they all logged.
    /// </summary>
    private static void AppendSideBySide(StringBuilder html, IReadOnlyList<(string Label, List<RunHistory> Histories)> rows)
    {
        if (rows.Count < 2)
        {
            return;
        }

        var names = rows.SelectMany(r => r.Histories.SelectMany(h => h.Dynamic.Keys)).Distinct(StringComparer.Ordinal)
            .Where(n => rows.Count(r => r.Histories.Any(h => h.Dynamic.ContainsKey(n))) >= 2)
            .Order(StringComparer.Ordinal).ToList();

        html.Append("<h2>Rows side by side</h2><p>One line per row: the mean over its seeds at each logged iteration. The loss (the sum of its terms, before any balancer's level weights, so that rows with and without weights compare), and every dynamic value two or more rows log.</p><div class=\"charts\">");
        html.Append(RunReport.Chart("loss (sum of the terms, unweighted)", "iteration", "loss", SideBySide(rows, UnweightedLoss)));
        foreach (string name in names)
        {
            html.Append(RunReport.Chart(name, "iteration", name, SideBySide(rows, h => h.Dynamic.GetValueOrDefault(name))));
        }

        html.Append("</div>");
    }

    /// <summary>
    /// The sum of a run's logged loss terms (<c>loss_*</c>) at each iteration. It equals <c>loss</c> without a balancer;
    /// with one, <c>loss</c> is the weighted sum that was minimised, which is not comparable across rows.
    /// </summary>
    internal static List<(double X, double Y)> UnweightedLoss(RunHistory history)
    {
        var terms = history.Losses.Where(p => p.Key.StartsWith("loss_", StringComparison.Ordinal)).Select(p => p.Value).ToList();
        if (terms.Count == 0)
        {
            return history.Losses.GetValueOrDefault("loss") ?? [];
        }

        var byIteration = terms[0].Select(p => p.X).Where(x => terms.All(t => t.Exists(p => p.X == x)));
        return [.. byIteration.Select(x => (x, terms.Sum(t => t.Find(p => p.X == x).Y)))];
    }

    private static List<ChartSeries> SideBySide(IReadOnlyList<(string Label, List<RunHistory> Histories)> rows,
        Func<RunHistory, List<(double X, double Y)>?> points)
    {
        var series = new List<ChartSeries>();
        for (int r = 0; r < rows.Count; r++)
        {
            var seeds = rows[r].Histories.Select(points).OfType<List<(double X, double Y)>>().Where(p => p.Count > 0).ToList();
            if (seeds.Count == 0)
            {
                continue;
            }

            var mean = seeds[0].Select(p => p.X)
                .Where(x => seeds.All(s => s.Exists(p => p.X == x)))
                .Select(x => (x, seeds.Average(s => s.Find(p => p.X == x).Y)))
                .ToList();
            series.Add(new ChartSeries(rows[r].Label, mean, ReportPalette.Colour(r)));
        }

        return series;
    }

    private static void Table(StringBuilder html, CompareResult result, bool difference)
    {
        html.Append("<table><tr><th>row</th><th>").Append(difference ? "pairs" : "seeds").Append("</th>");
        foreach (var m in CompareResult.TableMetrics)
        {
            html.Append("<th>").Append(m).Append("</th>");
        }

        html.Append("</tr>");
        for (int r = difference ? 1 : 0; r < result.Rows.Count; r++)
        {
            int n = difference ? result.Difference(r, "AP").Pairs : result.Summary(r, "AP").Seeds;
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(result.Rows[r].Label)}</td><td>{n}</td>");
            foreach (var m in CompareResult.TableMetrics)
            {
                var (mean, std, _) = difference ? result.Difference(r, m) : result.Summary(r, m);
                html.Append("<td>").Append(difference ? CompareTable.Difference(mean, std) : CompareTable.Cell(mean, std)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
