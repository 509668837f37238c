using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DynDet.Reports;
using DynDet.TestSupport;

namespace DynDet.Tests.Reports;

public sealed partial class RunReportTests(ReportedRunFixture run) : TorchTest, IClassFixture<ReportedRunFixture>
{
    [Fact]
    public void A_training_run_with_validation_writes_index_html_with_losses_levels_dynamic_values_evaluations_and_gallery()
    {
        Assert.Equal(run.Report, run.Result.Report);
        string html = File.ReadAllText(run.Report);
        var titles = ChartTitles(html);
        Assert.Contains("loss terms", titles);
        Assert.Contains("learning rate", titles);
        Assert.Contains("loss_rpn_cls by pyramid level (level 0 finest)", titles);
        Assert.Contains("loss_cls by pyramid level (level 0 finest)", titles);
        // Dynamic R-CNN's values in effect and its two strategies' update statistics.
        Assert.Contains("iou_threshold", titles);
        Assert.Contains("beta", titles);
        Assert.Contains("dla: update statistic", titles);
        Assert.Contains("dsl: update statistic", titles);
        // Evaluations at 20 and 40, each a row; per class; the gallery of 8 inline images; the resolved config.
        Assert.Matches(@"<tr><td>dynamic_run</td><td>20</td>", html);
        Assert.Matches(@"<tr><td>dynamic_run</td><td>40</td>", html);
        Assert.Contains("Per class, last evaluation", html);
        Assert.Equal(8, Regex.Count(html, "src=\"data:image/png;base64,"));
        Assert.Equal(8, Directory.GetFiles(Path.Combine(run.Directory, "gallery"), "*.png").Length);
        Assert.Contains("&quot;dynamic_rcnn&quot;", html);
        // Self-contained: nothing is fetched.
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
    }

    [Fact]
    public void The_run_records_its_machine_start_and_run_time_in_metrics_json()
    {
        var runInfo = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Directory, "metrics.json")))!["run"]!;
        Assert.Contains("cores", runInfo["machine"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", runInfo["started"]!.GetValue<string>());
        Assert.InRange(runInfo["elapsed_seconds"]!.GetValue<double>(), 0.01, 3600);
    }

    [Fact]
    public void Report_command_rebuilds_the_page_and_overlays_a_second_run()
    {
        using var folder = new TempFolder();
        string other = folder.PathOf("other_run");
        Directory.CreateDirectory(other);
        // A second run's metrics: two log entries of the same terms, one evaluation.
        File.WriteAllText(Path.Combine(other, "metrics.json"), """
            {"config": "faster_rcnn_r18_cpu", "classes": ["a", "b"],
             "train": [{"iter": 10, "lr": 0.01, "loss_cls": 1.0, "loss": 2.0, "sec_per_iter": 0.5},
                       {"iter": 20, "lr": 0.01, "loss_cls": 0.5, "loss": 1.0, "sec_per_iter": 0.5}],
             "dynamic": [], "eval": [{"iter": 20, "AP": 0.25, "per_class": {"a": 0.5, "b": 0.0}}]}
            """);
        string page = folder.PathOf("both.html");
        var (exit, output, error) = CliCapture.Run("report", run.Directory, other, "--out", page);
        Assert.True(exit == 0, error);
        Assert.Contains($"report: {page}", output);
        string html = File.ReadAllText(page);
        // One chart per loss term, each with a line per run; the evaluation table has both runs.
        Assert.Contains("data-title=\"loss_cls\"", html);
        Assert.Matches(@"<tr><td>other_run</td><td>20</td><td>25\.0</td>", html);
        Assert.Contains(">other_run</text>", html);
        Assert.Contains(">dynamic_run</text>", html);
    }

    [Fact]
    public void Report_command_refuses_a_folder_that_is_not_a_run_with_one_error_line_and_exit_2()
    {
        using var folder = new TempFolder();
        var (exit, _, error) = CliCapture.Run("report", folder.Path);
        Assert.Equal(2, exit);
        Assert.Equal($"error: {folder.Path}: not a run folder (no metrics.json)", error.Trim());
    }

    [Theory]
    [InlineData("w_0", "w")]
    [InlineData("rpn.w_p3", "rpn.w_p")]
    [InlineData("rpn.p0", "rpn.p")]
    [InlineData("beta", "beta")]
    [InlineData("iou_threshold", "iou_threshold")]
    public void Dynamic_values_that_differ_by_a_trailing_index_share_a_chart(string name, string family) =>
        Assert.Equal(family, RunHistory.Family(name));

    private static List<string> ChartTitles(string html) =>
        [.. ChartTitle().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];

    [GeneratedRegex("<svg class=\"chart\" data-title=\"([^\"]*)\"")]
    private static partial Regex ChartTitle();
}
