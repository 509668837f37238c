using DynDet.TestSupport;

namespace DynDet.Tests.Cli;

/// <summary>
/// End to end through the real <c>./dyndet</c> script: bad overrides and bad option values give exit 2, exactly one
/// stderr line starting <c>error:</c> (the one expected) and return before a 5-second deadline (bad files, config
/// files included: <see cref="BadInputCorpusTests"/>); the thread default reaches libtorch.
/// </summary>
public sealed class DyndetScriptTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public void An_out_of_range_override_exits_2_with_one_error_line()
    {
        var bad = OutOfRangeConfigKeys.Ranged.First(c => c.Key == "train.log_interval");
        using var folder = new TempFolder();
        var run = DyndetProcess.Run(Deadline, folder.Path, "train", "--config", OutOfRangeConfigKeys.BasePreset, "--out", folder.PathOf("run"), bad.Override);
        AssertOneError(run, $"error: {bad.Message}");
    }

    [Theory]
    [InlineData("error: --max-iters -1 is out of range (must be >= 1) (see --help)", "train", "--config", OutOfRangeConfigKeys.BasePreset, "--max-iters", "-1")]
    [InlineData("error: --threads 0 is out of range (must be in [1, 1024]) (see --help)", "bench", "--model", "fasterrcnn_r18", "--threads", "0")]
    [InlineData("error: --score-thr 2 is out of range (must be in [0, 1]) (see --help)", "predict", "--checkpoint", "none.pth", "a.png", "--score-thr", "2")]
    [InlineData("error: Argument 'gif' not recognized. Must be one of: 'png' 'jpg' (see --help)", "data", "synth", "--out", "d", "--format", "gif")]
    public void A_bad_option_exits_2_with_one_error_line(string expected, params string[] args)
    {
        using var folder = new TempFolder();
        AssertOneError(DyndetProcess.Run(Deadline, folder.Path, args), expected);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData("1", "1 threads")]
    [InlineData("", "threads")]
    public void The_thread_default_is_applied_when_the_native_library_loads(string fromEnvironment, string expected)
    {
        // The CLI sets its thread default before the library is loaded (so refused commands never load it); the
        // training header reports what libtorch was then actually given.
        using var folder = new TempFolder();
        var environment = new Dictionary<string, string> { ["DYNDET_THREADS"] = fromEnvironment };
        var run = DyndetProcess.Run(TimeSpan.FromMinutes(2), folder.Path, environment, [],
            "train", "--config", OutOfRangeConfigKeys.BasePreset, "--train-data", "synthetic:images=2,size=64,classes=2", "--max-iters", "1",
            "--out", folder.PathOf("run"), "data.train_scales=[[64,64]]", "data.workers=0", "model.backbone.width=0.25",
            // No evaluation: the preset's own validation set (200 images) once took over the 2 minutes on a loaded machine.
            "data.val=null");
        Assert.True(run.ExitCode == 0, run.Error);
        string header = Assert.Single(run.ErrorLines, l => l.StartsWith("training ", StringComparison.Ordinal));
        string wanted = fromEnvironment.Length > 0 ? expected : $"{Environment.ProcessorCount} {expected}";
        Assert.EndsWith($"parameters, {wanted}", header, StringComparison.Ordinal);
    }

    private static void AssertOneError(DyndetProcess.Result run, string expected)
    {
        Assert.False(run.TimedOut, $"./dyndet did not return within {Deadline.TotalSeconds} s");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal([expected], run.ErrorLines);
        Assert.Empty(run.Output);
    }
}
