using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DynDet.Comparison;
using DynDet.Reports;

namespace DynDet.Tests.Reports;

public sealed partial class SvgLineChartTests
{
    [Fact]
    public void Ticks_of_a_value_that_barely_moves_read_differently()
    {
        // RLO's weight of a level that is almost never picked: 1 to 1 + 1e-6.
        string svg = SvgLineChart.Render("w", "iteration", "w", [new ChartSeries("w", [(0, 1.0), (100, 1.000001)], "#000")]);
        var ticks = TickText().Matches(svg).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(5, ticks.Count);
        Assert.Equal(5, ticks.Distinct().Count());
        Assert.Equal("G3", SvgLineChart.TickFormat(0.68, 2.15));
    }

    [Fact]
    public void A_long_legend_goes_below_the_plot_and_makes_the_chart_taller()
    {
        var series = Enumerable.Range(0, 12).Select(i => new ChartSeries($"s{i}", [(0, i), (1, i + 1)], "#000")).ToList();
        string tall = SvgLineChart.Render("many", "x", "y", series, width: 400, height: 250);
        string normal = SvgLineChart.Render("few", "x", "y", series.Take(SvgLineChart.MaxLegendInside).ToList(), width: 400, height: 250);
        Assert.Contains("height=\"250\"", normal);
        Assert.Contains($"height=\"{250 + (14 * 6) + 6}\"", tall);
        // Every name is drawn, below the plot (whose bottom edge is at 250 − 40).
        var ys = Enumerable.Range(0, 12).Select(i => double.Parse(Regex.Match(tall, $"y=\"([0-9.]+)\">s{i}</text>").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(ys, y => Assert.True(y > 250 - 40, $"legend entry at y {y}"));
    }

    [Fact]
    public void The_comparison_loss_is_the_sum_of_the_unweighted_terms()
    {
        // With a balancer, `loss` is the weighted sum (here 1.9) and the terms are unweighted (1.0 + 0.6).
        var metrics = JsonNode.Parse("""
            { "train": [ { "iter": 20, "loss": 1.9, "loss_cls": 1.0, "loss_bbox": 0.6, "bbox_head.w_p3": 1.5 },
                         { "iter": 40, "loss": 1.2, "loss_cls": 0.7, "loss_bbox": 0.5, "bbox_head.w_p3": 1.0 } ] }
            """)!.AsObject();
        var points = ComparePage.UnweightedLoss(new RunHistory(metrics));
        Assert.Equal(2, points.Count);
        Assert.Equal((20.0, 1.6), (points[0].X, Math.Round(points[0].Y, 12)));
        Assert.Equal((40.0, 1.2), (points[1].X, Math.Round(points[1].Y, 12)));
    }

    [GeneratedRegex("text-anchor=\"end\">([^<]+)</text>")]
    private static partial Regex TickText();
}
