using System.Diagnostics;

namespace DynDet.TestSupport;

/// <summary>
/// Debian's <c>chromium</c> (which <c>make setup</c> installs) run headless on a local page: the DOM after its scripts
/// ran, the console messages it logged, a screenshot.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>The browser's path, or null when it is not installed.</summary>
    public static string? Path { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
        .FirstOrDefault(File.Exists);

    /// <summary>The page's DOM after load (serialised) and the browser's log lines that are console messages.</summary>
    public static (string Dom, IReadOnlyList<string> Console) DumpDom(string page)
    {
        var (output, error) = Run(["--enable-logging=stderr", "--v=0", "--dump-dom", new Uri(page).AbsoluteUri]);
        var console = error.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
        return (output, console);
    }

    /// <summary>Saves a <paramref name="width"/> × <paramref name="height"/> screenshot of the page to <paramref name="png"/>.</summary>
    public static void Screenshot(string page, string png, int width = 1280, int height = 3000)
    {
        Run([$"--window-size={width},{height}", $"--screenshot={png}", new Uri(page).AbsoluteUri]);
        Assert.True(File.Exists(png), $"chromium wrote no screenshot {png}");
    }

    private static (string Output, string Error) Run(IEnumerable<string> arguments)
    {
        string browser = Path ?? throw new InvalidOperationException("chromium is not installed");
        string profile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dyndet-chromium-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(browser)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", $"--user-data-dir={profile}", "--virtual-time-budget=5000" })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish within 120 s");
            }

            return (output.Result, error.Result);
        }
        finally
        {
            if (Directory.Exists(profile))
            {
                Directory.Delete(profile, recursive: true);
            }
        }
    }
}
