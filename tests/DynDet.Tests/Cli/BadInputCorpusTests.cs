using DynDet.TestSupport;

namespace DynDet.Tests.Cli;

/// <summary>
/// The bad-input corpus, end to end through the real <c>./dyndet</c>: crafted checkpoints (shared sub-tuples hashed
/// exponentially, nesting deep enough to overflow a recursive reader), images that declare 60000 × 60000 pixels, a
/// truncated progressive JPEG, zero-byte files, and a config file with each out-of-range key of
/// <see cref="OutOfRangeConfigKeys"/>. Every one must give exit 2 and exactly one stderr line, starting
/// <c>error:</c> and naming the file (or the key), within 5 seconds: no hang, no native crash, no stack trace.
/// </summary>
public sealed class BadInputCorpusTests(TinyCheckpointFixture tiny) : IClassFixture<TinyCheckpointFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Checkpoints => ["shared-tuple-dag", "deep-nesting", "zero-bytes"];

    public static TheoryData<string> Images => ["huge.png", "huge.jpg", "huge-progressive.jpg", "truncated-progressive.jpg", "zero-bytes.png"];

    public static TheoryData<int> ConfigEntries => [.. Enumerable.Range(0, OutOfRangeConfigKeys.All.Count)];

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void A_hostile_checkpoint_given_to_predict_and_eval_exits_2_with_one_error_line(string kind)
    {
        using var folder = new TempFolder();
        string checkpoint = folder.PathOf(kind + ".pth");
        switch (kind)
        {
            case "shared-tuple-dag":
                HostileCheckpoints.WriteSharedTupleDag(checkpoint);
                break;
            case "deep-nesting":
                HostileCheckpoints.WriteDeepNesting(checkpoint);
                break;
            default:
                HostileImages.WriteEmptyFile(checkpoint);
                break;
        }

        var predict = DyndetProcess.Run(Deadline, folder.Path, "predict", "--checkpoint", checkpoint, tiny.Images[0], "--out", folder.PathOf("out"));
        AssertOneErrorNaming(predict, checkpoint);
        Assert.False(Directory.Exists(folder.PathOf("out")));
        var eval = DyndetProcess.Run(Deadline, folder.Path, "eval", "--checkpoint", checkpoint, "--data", tiny.Annotations);
        AssertOneErrorNaming(eval, checkpoint);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_hostile_image_given_to_predict_exits_2_with_one_error_line(string name)
    {
        using var folder = new TempFolder();
        string image = folder.PathOf(name);
        switch (name)
        {
            case "huge.png":
                HostileImages.WriteHugePng(image, 60000, 60000);
                break;
            case "huge.jpg":
                HostileImages.WriteHugeJpeg(image, 60000, 60000);
                break;
            case "huge-progressive.jpg":
                HostileImages.WriteHugeJpeg(image, 60000, 60000, progressive: true);
                break;
            case "truncated-progressive.jpg":
                HostileImages.WriteTruncatedProgressiveJpeg(image);
                break;
            default:
                HostileImages.WriteEmptyFile(image);
                break;
        }

        var run = DyndetProcess.Run(Deadline, folder.Path, "predict", "--checkpoint", tiny.Checkpoint, image, "--out", folder.PathOf("out"));
        AssertOneErrorNaming(run, image);
        Assert.False(Directory.Exists(folder.PathOf("out")));
    }

    [Fact]
    public void A_zero_byte_config_file_exits_2_with_one_error_line()
    {
        using var folder = new TempFolder();
        string config = folder.Write("empty.json", "");
        var run = DyndetProcess.Run(Deadline, folder.Path, "train", "--config", config, "--out", folder.PathOf("run"));
        AssertOneErrorNaming(run, config);
        Assert.False(Directory.Exists(folder.PathOf("run")));
    }

    [Fact]
    public void A_zero_byte_annotation_file_exits_2_with_one_error_line()
    {
        using var folder = new TempFolder();
        string annotations = folder.Write("instances.json", "");
        var run = DyndetProcess.Run(Deadline, folder.Path, "eval", "--checkpoint", tiny.Checkpoint, "--data", annotations);
        AssertOneErrorNaming(run, annotations);
    }

    [Theory]
    [MemberData(nameof(ConfigEntries))]
    public void A_config_file_with_an_out_of_range_or_invalid_key_exits_2_with_its_one_error_line(int entry)
    {
        var bad = OutOfRangeConfigKeys.All[entry];
        using var folder = new TempFolder();
        string file = folder.Write("bad.json", OutOfRangeConfigKeys.ConfigFileText(bad));
        var run = DyndetProcess.Run(Deadline, folder.Path, "train", "--config", file, "--out", folder.PathOf("run"));
        Assert.False(run.TimedOut, $"{bad.Key}={bad.Value}: ./dyndet did not return within {Deadline.TotalSeconds} s");
        Assert.True(run.ExitCode == 2, $"{bad.Key}={bad.Value}: exit {run.ExitCode}\n{run.Error}");
        Assert.Equal([$"error: {bad.Message}"], run.ErrorLines);
        Assert.Empty(run.Output);
        Assert.False(Directory.Exists(folder.PathOf("run")));
    }

    private static void AssertOneErrorNaming(DyndetProcess.Result run, string file)
    {
        Assert.False(run.TimedOut, $"./dyndet did not return within {Deadline.TotalSeconds} s");
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}\n{run.Error}");
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(file, line, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }
}
