using System.Text.RegularExpressions;
using DynDet.Data.Images;
using DynDet.TestSupport;

namespace DynDet.Tests.Reports;

/// <summary>
/// The report a training run wrote, opened in headless Chromium: it renders without console errors, every chart that
/// has data drew a visible line, every gallery image decoded, and a screenshot is kept under the test's output folder
/// (<c>test-output/report/</c> beside the test assembly).
/// </summary>
public sealed class RunReportBrowserTests(ReportedRunFixture run) : TorchTest, IClassFixture<ReportedRunFixture>
{
    [ChromiumFact]
    public void The_report_renders_in_chromium_without_console_errors_with_every_chart_drawn_and_every_image_shown()
    {
        var (dom, console) = HeadlessChromium.DumpDom(run.Report);
        Assert.Empty(console);
        var body = Regex.Match(dom, "<body([^>]*)>").Groups[1].Value;
        Assert.Contains("data-checked=\"true\"", body);
        int charts = int.Parse(Regex.Match(body, "data-charts=\"(\\d+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(charts >= 10, $"only {charts} charts");
        Assert.Contains("data-blank-charts=\"\"", body);
        Assert.Contains("data-broken-images=\"0\"", body);
        Assert.Contains("data-errors=\"\"", body);
    }

    [ChromiumFact]
    public void A_screenshot_of_the_report_shows_charts_and_gallery()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "test-output", "report");
        Directory.CreateDirectory(folder);
        string png = Path.Combine(folder, "report.png");
        File.Delete(png);
        HeadlessChromium.Screenshot(run.Report, png, height: 4000);
        var shot = ImageCodec.Load(png);
        Assert.Equal(1280, shot.Width);
        // Not a blank page: the charts' lines and the gallery's photos colour a good part of it.
        int coloured = 0, pixels = shot.Width * shot.Height;
        var rgb = shot.Pixels;
        for (int p = 0; p < rgb.Length; p += 3)
        {
            if (Math.Abs(rgb[p] - rgb[p + 1]) > 24 || Math.Abs(rgb[p + 1] - rgb[p + 2]) > 24)
            {
                coloured++;
            }
        }

        Assert.True(coloured > pixels / 50, $"only {coloured} of {pixels} pixels are coloured");
    }
}
