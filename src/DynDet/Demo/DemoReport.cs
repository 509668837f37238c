using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DynDet.Reports;

namespace DynDet.Demo;

/// <summary>The demo's static HTML page: the comparison table, the curves of loss, T and β, and predictions.</summary>
public static class DemoReport
{
    /// <summary>Renders the page; <paramref name="previews"/> are image paths relative to the page.</summary>
    public static string Html(DemoResult result, IReadOnlyList<(string Image, string Baseline, string Dynamic)> previews)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(previews);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>DynDet demo: Faster R-CNN vs Dynamic R-CNN</title>");
        html.Append("<style>body{font-family:sans-serif;margin:24px;max-width:1200px}table{border-collapse:collapse}");
        html.Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}");
        html.Append(".charts{display:flex;flex-wrap:wrap;gap:12px}img{max-width:280px;border:1px solid #ccc}</style></head><body>");
        html.Append("<h1>Faster R-CNN vs Dynamic R-CNN</h1>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>Presets <code>{Encode(result.Baseline.Preset)}</code> and <code>{Encode(result.Dynamic.Preset)}</code>: same synthetic data, seed and schedule ({result.Baseline.Training.Iterations} iterations each); COCO AP × 100 on the validation images. Whole job: {result.Elapsed:hh\\:mm\\:ss}.</p>");
        html.Append("<table><tr><th>method</th>");
        foreach (var (name, _) in DemoTable.Columns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{name}</th>");
        }

        html.Append("</tr>");
        foreach (var run in new[] { result.Baseline, result.Dynamic })
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(run.Label)}</td>");
            foreach (var (_, value) in DemoTable.Columns)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{DemoTable.Percent(value(run.Evaluation.Coco))}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table><p>Each run's full report (every loss term by level, the evaluations, its validation images): ");
        html.Append(CultureInfo.InvariantCulture,
            $"<a href=\"{Encode(result.Baseline.Preset)}/index.html\">{Encode(result.Baseline.Label)}</a>, <a href=\"{Encode(result.Dynamic.Preset)}/index.html\">{Encode(result.Dynamic.Label)}</a>.</p>");
        html.Append("<h2>Training</h2><div class=\"charts\">");
        html.Append(SvgLineChart.Render("loss", "iteration", "loss",
        [
            new ChartSeries(result.Baseline.Label, Losses(result.Baseline.Directory), "#1f77b4"),
            new ChartSeries(result.Dynamic.Label, Losses(result.Dynamic.Directory), "#d62728"),
        ]));
        var t = result.Updates.Where(u => double.IsFinite(u.Threshold)).Select(u => ((double)u.Iteration, u.Threshold)).ToList();
        var b = result.Updates.Where(u => double.IsFinite(u.Beta)).Select(u => ((double)u.Iteration, u.Beta)).ToList();
        html.Append(SvgLineChart.Render("IoU threshold T (DLA)", "iteration", "T", [new ChartSeries("T", t, "#2ca02c", Stepped: true)]));
        html.Append(SvgLineChart.Render("SmoothL1 β (DSL)", "iteration", "β", [new ChartSeries("β", b, "#9467bd", Stepped: true)]));
        html.Append("</div><h2>Predictions on validation images (score ≥ 0.5)</h2><table><tr><th>image</th><th>Faster R-CNN</th><th>Dynamic R-CNN</th></tr>");
        foreach (var (image, baseline, dynamic) in previews)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><img src=\"{Encode(image)}\"></td><td><img src=\"{Encode(baseline)}\"></td><td><img src=\"{Encode(dynamic)}\"></td></tr>");
        }

        html.Append("</table><p>Metrics of each run: <code>metrics.json</code> in its folder; summary: <code>summary.json</code>.</p></body></html>");
        return html.ToString();
    }

    private static List<(double X, double Y)> Losses(string runDirectory)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(runDirectory, "metrics.json")))!;
        return root["train"]!.AsArray()
            .Select(e => ((double)e!["iter"]!.GetValue<long>(), e["loss"]!.GetValue<double>()))
            .ToList();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
