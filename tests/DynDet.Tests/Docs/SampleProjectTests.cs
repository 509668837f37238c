using System.Diagnostics;
using DynDet.TestSupport;

namespace DynDet.Tests.Docs;

/// <summary>The C# sample under <c>samples/</c> (built with the solution) runs as docs/csharp.md shows it.</summary>
public sealed class SampleProjectTests
{
    [Fact]
    public async Task The_train_and_detect_sample_trains_loads_its_checkpoint_detects_and_draws()
    {
        // The sample is built in the same configuration as this assembly (bin/<Configuration>/net10.0).
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string dll = Path.Combine(TestPaths.Repository, "samples", "TrainAndDetect", "bin", configuration, "net10.0", "TrainAndDetect.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built (dotnet build DynDet.slnx)");
        using var folder = new TempFolder();
        string output = folder.PathOf("run");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, output, "20" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        string error = await stderr;
        string text = await stdout;
        Assert.True(process.ExitCode == 0, error);
        Assert.Contains("trained 20 iterations", text);
        Assert.Matches(@"\d+ detections; drawn in ", text);
        Assert.True(File.Exists(Path.Combine(output, "detections.png")));
        Assert.True(File.Exists(Path.Combine(output, "index.html")));
        Assert.True(File.Exists(Path.Combine(output, "latest.pth")));
    }
}
