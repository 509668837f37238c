using DynDet.TestSupport;

namespace DynDet.Tests.Cli;

/// <summary>
/// End to end through the real <c>./dyndet</c> script: bad config values and bad option values give exit 2, exactly
/// one stderr line starting <c>error:</c> (the one expected) and return before a 5-second deadline.
/// </summary>
public sealed class DyndetScriptTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public static TheoryData<string> ConfigCases => ["train.log_interval", "data.images_per_batch", "train.max_iters", "data.train_scales", "model.backbone.depth"];

    [Theory]
    [MemberData(nameof(ConfigCases))]
    public void An_out_of_range_key_in_a_config_file_exits_2_with_one_error_line(string key)
    {
        var bad = OutOfRangeConfigKeys.Ranged.First(c => c.Key == key);
        using var folder = new TempFolder();
        string file = folder.Write("bad.json", OutOfRangeConfigKeys.ConfigFileText(bad));
        var run = DyndetProcess.Run(Deadline, folder.Path, "train", "--config", file, "--out", folder.PathOf("run"));
        AssertOneError(run, $"error: {bad.Message}");
        Assert.False(Directory.Exists(folder.PathOf("run")));
    }

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

    private static void AssertOneError(DyndetProcess.Result run, string expected)
    {
        Assert.False(run.TimedOut, $"./dyndet did not return within {Deadline.TotalSeconds} s");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal([expected], run.ErrorLines);
        Assert.Empty(run.Output);
    }
}
