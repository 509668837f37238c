using System.Globalization;
using System.Net;
using System.Text;

namespace DynDet.Reports;

/// <summary>
/// A self-contained SVG line chart (axes, ticks, legend) for static HTML reports; no scripts. The element has class
/// <c>chart</c> and its title in <c>data-title</c> (and <c>data-empty</c> when it has no points), so a page's check can
/// find every chart.
/// </summary>
public static class SvgLineChart
{
    /// <summary>Most legend entries drawn inside the plot's corner; more go below the plot.</summary>
    public const int MaxLegendInside = 6;

    /// <summary>
    /// Renders the series; empty series are skipped, and a chart with no points says so. <paramref name="height"/> is
    /// that of the plot and its axes; a legend of more than <see cref="MaxLegendInside"/> entries adds rows below it.
    /// </summary>
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series,
        int width = 560, int height = 300)
    {
        ArgumentNullException.ThrowIfNull(series);
        const int left = 56, right = 16, top = 28, bottom = 40;
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        int entries = series.Count(s => s.Points.Count > 0);
        // A long legend (a comparison's seeds × values) would hide the lines: it goes below the plot, in two columns.
        bool legendBelow = entries > MaxLegendInside;
        int plotHeight = height;
        if (legendBelow)
        {
            height += (14 * ((entries + 1) / 2)) + 6;
        }

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" data-title=\"{WebUtility.HtmlEncode(title)}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        if (points.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{height / 2}\" text-anchor=\"middle\">no data</text></svg>");
            svg.Insert(4, " data-empty=\"true\"");
            return svg.ToString();
        }

        double x0 = points.Min(p => p.X), x1 = points.Max(p => p.X);
        double y0 = points.Min(p => p.Y), y1 = points.Max(p => p.Y);
        if (x1 <= x0)
        {
            x1 = x0 + 1;
        }

        double pad = (y1 - y0) * 0.05;
        if (pad <= 0)
        {
            pad = Math.Abs(y1) * 0.05 + 1e-3;
        }

        y0 -= pad;
        y1 += pad;
        int plotW = width - left - right, plotH = plotHeight - top - bottom;
        double Sx(double x) => left + (x - x0) / (x1 - x0) * plotW;
        double Sy(double y) => top + plotH - (y - y0) / (y1 - y0) * plotH;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#888\"/>");
        string tickFormat = TickFormat(y0, y1);
        for (int i = 0; i <= 4; i++)
        {
            double yv = y0 + (y1 - y0) * i / 4, xv = x0 + (x1 - x0) * i / 4;
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{Sy(yv):F1}\" y2=\"{Sy(yv):F1}\" stroke=\"#eee\"/>" +
                $"<text x=\"{left - 4}\" y=\"{Sy(yv) + 4:F1}\" text-anchor=\"end\">{yv.ToString(tickFormat, CultureInfo.InvariantCulture)}</text>" +
                $"<text x=\"{Sx(xv):F1}\" y=\"{top + plotH + 14}\" text-anchor=\"middle\">{xv:G4}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + plotW / 2}\" y=\"{plotHeight - 6}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{top + plotH / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {top + plotH / 2})\">{WebUtility.HtmlEncode(yLabel)}</text>");
        int entry = 0;
        if (!legendBelow)
        {
            // A translucent backing keeps the legend legible over the lines it may cover.
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{left + plotW - 154}\" y=\"{top + 2}\" width=\"152\" height=\"{(14 * entries) + 4}\" fill=\"#fff\" fill-opacity=\"0.8\"/>");
        }

        foreach (var s in series.Where(s => s.Points.Count > 0))
        {
            var path = new StringBuilder();
            for (int i = 0; i < s.Points.Count; i++)
            {
                var (x, y) = s.Points[i];
                if (s.Stepped && i > 0)
                {
                    path.Append(CultureInfo.InvariantCulture, $" {Sx(x):F1},{Sy(s.Points[i - 1].Y):F1}");
                }

                path.Append(CultureInfo.InvariantCulture, $" {Sx(x):F1},{Sy(y):F1}");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.6\" points=\"{path.ToString().Trim()}\"/>");
            if (s.Points.Count == 1)
            {
                // A single point draws no line: mark it.
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Sx(s.Points[0].X):F1}\" cy=\"{Sy(s.Points[0].Y):F1}\" r=\"3\" fill=\"{s.Color}\"/>");
            }

            int legendX = legendBelow ? left + (entry % 2 * (plotW / 2)) : left + plotW - 150;
            int legendY = legendBelow ? plotHeight + 10 + (14 * (entry / 2)) : top + 12 + (14 * entry);
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{legendX}\" x2=\"{legendX + 18}\" y1=\"{legendY - 4}\" y2=\"{legendY - 4}\" stroke=\"{s.Color}\" stroke-width=\"2\"/>" +
                $"<text x=\"{legendX + 22}\" y=\"{legendY}\">{WebUtility.HtmlEncode(s.Name)}</text>");
            entry++;
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>
    /// The format of the y ticks: enough significant digits that the five ticks of [<paramref name="y0"/>,
    /// <paramref name="y1"/>] read differently (weights that stay within 1 ± 1e-5 would otherwise all show "1").
    /// </summary>
    public static string TickFormat(double y0, double y1)
    {
        double step = (y1 - y0) / 4, magnitude = Math.Max(Math.Abs(y0), Math.Abs(y1));
        if (!(step > 0) || !(magnitude > 0))
        {
            return "G3";
        }

        int digits = (int)Math.Ceiling(Math.Log10(magnitude / step)) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"G{Math.Clamp(digits, 3, 8)}");
    }
}
