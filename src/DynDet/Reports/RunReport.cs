using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DynDet.Torch.Serialization;

namespace DynDet.Reports;

/// <summary>
/// A run's <c>index.html</c>: one self-contained file (styles, SVG charts, the page's own check script and the gallery
/// images inline; nothing fetched): the run (config, machine, time), the curves of every loss term, of each per-level
/// term by level, of the learning rate and of every dynamic quantity, the evaluations over time and per class, and the
/// gallery of validation images. Several runs overlay their curves and list their tables side by side; the gallery is
/// the first run's.
/// </summary>
public static class RunReport
{
    /// <summary>The report's file name in a run folder.</summary>
    public const string FileName = "index.html";

    private static readonly string[] EvalColumns = ["AP", "AP50", "AP75", "AP60", "AP70", "AP80", "AP90", "APs", "APm", "APl", "voc_map"];

    /// <summary>Writes the report of <paramref name="runs"/> (the first is the main run) to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, IReadOnlyList<RunRecord> runs)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        DurableFile.WriteAllText(path, Html(runs), sync: false);
    }

    /// <summary>The page of <paramref name="runs"/> (at least one; the first is the main run).</summary>
    public static string Html(IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("a report needs at least one run", nameof(runs));
        }

        var histories = runs.Select(r => new RunHistory(r.Metrics)).ToList();
        var main = runs[0];
        string title = runs.Count == 1 ? $"DynDet run {main.Name}" : $"DynDet runs {string.Join(", ", runs.Select(r => r.Name))}";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append("</title>");
        html.Append("<style>body{font-family:sans-serif;margin:24px;max-width:1420px}table{border-collapse:collapse;margin:8px 0}");
        html.Append("td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th:first-child,td:first-child{text-align:left}");
        html.Append(".charts{display:flex;flex-wrap:wrap;gap:12px}.gallery{display:flex;flex-wrap:wrap;gap:8px}");
        html.Append(".gallery figure{margin:0}.gallery img{border:1px solid #ccc}pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:480px}");
        html.Append("</style></head><body>");
        html.Append("<h1>").Append(Encode(title)).Append("</h1>");
        AppendRuns(html, runs, histories);
        AppendTraining(html, runs, histories);
        AppendDynamic(html, runs, histories);
        AppendEvaluations(html, runs, histories);
        AppendGallery(html, main);
        foreach (var run in runs)
        {
            html.Append("<details><summary>Resolved config of ").Append(Encode(run.Name)).Append("</summary><pre>")
                .Append(Encode(run.ConfigJson)).Append("</pre></details>");
        }

        html.Append(CheckScript);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void AppendRuns(StringBuilder html, IReadOnlyList<RunRecord> runs, IReadOnlyList<RunHistory> histories)
    {
        html.Append("<table><tr><th>run</th><th>config</th><th>iterations</th><th>run time</th><th>machine</th><th>started</th></tr>");
        for (int r = 0; r < runs.Count; r++)
        {
            var info = runs[r].Metrics["run"] as JsonObject;
            double last = histories[r].Losses.GetValueOrDefault("loss")?.LastOrDefault().X ?? 0;
            string time = info?["elapsed_seconds"] is JsonValue e && e.TryGetValue(out double seconds)
                ? TimeSpan.FromSeconds(Math.Round(seconds)).ToString("c", CultureInfo.InvariantCulture)
                : "–";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Encode(runs[r].Name)}</td><td>{Encode(runs[r].ConfigName)}</td><td>{last:F0}</td><td>{time}</td>" +
                $"<td>{Encode(info?["machine"]?.GetValue<string>() ?? "–")}</td><td>{Encode(info?["started"]?.GetValue<string>() ?? "–")}</td></tr>");
        }

        html.Append("</table>");
    }

    internal static void AppendTraining(StringBuilder html, IReadOnlyList<RunRecord> runs, IReadOnlyList<RunHistory> histories)
    {
        html.Append("<h2>Training</h2><div class=\"charts\">");
        var terms = histories.SelectMany(h => h.LossesInOrder).Distinct(StringComparer.Ordinal).ToList();
        if (runs.Count == 1)
        {
            var h = histories[0];
            html.Append(Chart("loss terms", "iteration", "loss",
                [.. terms.Select((t, i) => new ChartSeries(t, h.Losses[t], ReportPalette.Colour(i)))]));
        }
        else
        {
            foreach (var term in terms)
            {
                html.Append(Chart(term, "iteration", "loss", Overlay(runs, histories, h => h.Losses.GetValueOrDefault(term))));
            }
        }

        foreach (var term in histories.SelectMany(h => h.Levels.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var series = new List<ChartSeries>();
            for (int r = 0; r < runs.Count; r++)
            {
                if (!histories[r].Levels.TryGetValue(term, out var levels))
                {
                    continue;
                }

                for (int l = 0; l < levels.Count; l++)
                {
                    string name = (runs.Count > 1 ? runs[r].Name + " " : "") + $"level {l}";
                    series.Add(new ChartSeries(name, levels[l], ReportPalette.Colour(series.Count)));
                }
            }

            html.Append(Chart($"{term} by pyramid level (level 0 finest)", "iteration", "loss", series));
        }

        html.Append(Chart("learning rate", "iteration", "lr", Overlay(runs, histories, h => h.LearningRate)));
        html.Append(Chart("seconds per iteration", "iteration", "s", Overlay(runs, histories, h => h.SecondsPerIteration)));
        html.Append("</div>");
    }

    internal static void AppendDynamic(StringBuilder html, IReadOnlyList<RunRecord> runs, IReadOnlyList<RunHistory> histories)
    {
        var families = histories.SelectMany(h => h.DynamicFamilies())
            .GroupBy(f => f.Family, StringComparer.Ordinal)
            .Select(g => (Family: g.Key, Names: g.SelectMany(f => f.Names).Distinct(StringComparer.Ordinal).ToList()))
            .OrderBy(f => f.Family, StringComparer.Ordinal)
            .ToList();
        var statistics = histories.SelectMany(h => h.Statistics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (families.Count == 0 && statistics.Count == 0)
        {
            return;
        }

        html.Append("<h2>Dynamic training</h2><p>The values each dynamic strategy had in effect over training, and the statistic each update was computed from.</p><div class=\"charts\">");
        foreach (var (family, names) in families)
        {
            var series = new List<ChartSeries>();
            for (int r = 0; r < runs.Count; r++)
            {
                foreach (var name in names)
                {
                    if (histories[r].Dynamic.TryGetValue(name, out var points))
                    {
                        string label = (runs.Count > 1 ? runs[r].Name + " " : "") + name;
                        series.Add(new ChartSeries(label, points, ReportPalette.Colour(series.Count), Stepped: true));
                    }
                }
            }

            html.Append(Chart(family, "iteration", family, series));
        }

        foreach (var strategy in statistics)
        {
            html.Append(Chart($"{strategy}: update statistic", "iteration", "statistic",
                Overlay(runs, histories, h => h.Statistics.GetValueOrDefault(strategy))));
        }

        html.Append("</div>");
    }

    private static void AppendEvaluations(StringBuilder html, IReadOnlyList<RunRecord> runs, IReadOnlyList<RunHistory> histories)
    {
        if (histories.All(h => h.Evaluations.Count == 0))
        {
            return;
        }

        html.Append("<h2>Evaluation</h2><p>COCO AP × 100 on the validation images (AP60–AP90 at one IoU each; VOC mAP by area).</p>");
        html.Append("<table><tr><th>run</th><th>iteration</th>");
        foreach (var c in EvalColumns)
        {
            html.Append("<th>").Append(c == "voc_map" ? "VOC mAP" : c).Append("</th>");
        }

        html.Append("</tr>");
        for (int r = 0; r < runs.Count; r++)
        {
            foreach (var e in histories[r].Evaluations)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(runs[r].Name)}</td><td>{e["iter"]!.GetValue<long>()}</td>");
                foreach (var c in EvalColumns)
                {
                    html.Append("<td>").Append(Percent(e[c])).Append("</td>");
                }

                html.Append("</tr>");
            }
        }

        html.Append("</table><div class=\"charts\">");
        if (histories.Any(h => h.Evaluations.Count > 1))
        {
            foreach (var metric in new[] { "AP", "AP50", "AP75" })
            {
                html.Append(Chart($"validation {metric}", "iteration", metric + " × 100",
                    Overlay(runs, histories, h => [.. h.Evaluations.Where(e => e[metric] is JsonValue)
                        .Select(e => ((double)e["iter"]!.GetValue<long>(), 100 * e[metric]!.GetValue<double>()))])));
            }
        }

        html.Append("</div><h3>Per class, last evaluation</h3><table><tr><th>class</th>");
        var lasts = histories.Select(h => h.Evaluations.LastOrDefault()?["per_class"] as JsonObject).ToList();
        foreach (var run in runs)
        {
            html.Append("<th>").Append(Encode(run.Name)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var name in lasts.Where(l => l is not null).SelectMany(l => l!.Select(p => p.Key)).Distinct(StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(Encode(name)).Append("</td>");
            foreach (var last in lasts)
            {
                html.Append("<td>").Append(Percent(last?[name])).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static void AppendGallery(StringBuilder html, RunRecord main)
    {
        if (main.Gallery.Count == 0)
        {
            return;
        }

        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Validation images</h2><p>Run {Encode(main.Name)} at its last evaluation: ground truth as thin white outlines, detections scoring ≥ {ReportGallery.ScoreThreshold} as labelled boxes.</p><div class=\"gallery\">");
        foreach (var image in main.Gallery)
        {
            string data = Convert.ToBase64String(File.ReadAllBytes(image));
            html.Append("<figure><img alt=\"").Append(Encode(Path.GetFileName(image))).Append("\" src=\"data:image/png;base64,")
                .Append(data).Append("\"><figcaption>").Append(Encode(Path.GetFileNameWithoutExtension(image))).Append("</figcaption></figure>");
        }

        html.Append("</div>");
    }

    internal static string Chart(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series) =>
        SvgLineChart.Render(title, xLabel, yLabel, series, width: 400, height: 250);

    private static List<ChartSeries> Overlay(IReadOnlyList<RunRecord> runs, IReadOnlyList<RunHistory> histories,
        Func<RunHistory, IReadOnlyList<(double X, double Y)>?> points)
    {
        var series = new List<ChartSeries>();
        for (int r = 0; r < runs.Count; r++)
        {
            if (points(histories[r]) is { Count: > 0 } p)
            {
                series.Add(new ChartSeries(runs[r].Name, p, ReportPalette.Colour(r)));
            }
        }

        return series;
    }

    private static string Percent(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue(out double x) && x >= 0
            ? (100 * x).ToString("F1", CultureInfo.InvariantCulture)
            : "–";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    // Runs in the browser after loading: counts the charts and names those that hold data but drew no visible line,
    // and records script errors, on <body> (data-charts, data-blank-charts, data-errors) for headless checks.
    internal const string CheckScript =
        "<script>(function(){var errors=[];window.addEventListener('error',function(e){errors.push(String(e.message));});" +
        "window.addEventListener('load',function(){var charts=document.querySelectorAll('svg.chart');var blank=[];" +
        "charts.forEach(function(c){if(c.hasAttribute('data-empty'))return;var drawn=false;" +
        "c.querySelectorAll('polyline').forEach(function(l){var b=l.getBBox();if(l.points.numberOfItems>1&&(b.width>0||b.height>0))drawn=true;});" +
        "if(c.querySelector('circle'))drawn=true;" +
        "if(!drawn)blank.push(c.getAttribute('data-title'));});" +
        "var imgs=Array.prototype.filter.call(document.images,function(i){return !(i.complete&&i.naturalWidth>0);});" +
        "document.body.setAttribute('data-charts',String(charts.length));document.body.setAttribute('data-blank-charts',blank.join('|'));" +
        "document.body.setAttribute('data-broken-images',String(imgs.length));document.body.setAttribute('data-errors',errors.join('|'));" +
        "document.body.setAttribute('data-checked','true');});})();</script>";
}
