using DynDet.TestSupport;
using DynDet.Tests.Training;
using DynDet.Training;

namespace DynDet.Tests.Cli;

/// <summary>
/// Ctrl-C and SIGTERM through the real <c>./dyndet</c>: every long command (train, eval, demo) exits with the
/// shell's 128 + signal (130, 143), and a second Ctrl-C while the checkpoint is being written still leaves no
/// temporary file. The signals are sent when the program prints a given line, not after a delay.
/// </summary>
public sealed class SignalExitCodeTests(TinyCheckpointFixture tiny) : IClassFixture<TinyCheckpointFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public void Eval_of_a_checkpoint_stopped_by_sigterm_exits_143_with_one_error_line()
    {
        // 400 images: the run lasts seconds, the signal comes after the first batch's progress line.
        var result = DyndetProcess.Run(Deadline, TestPaths.Repository, new Dictionary<string, string>(),
            [SignalCue.OnErrorLine("eval ", SignalCue.Terminate)],
            "eval", "--checkpoint", tiny.Checkpoint, "--data", "synthetic:images=400,size=128,classes=3,seed=11");
        Assert.False(result.TimedOut);
        Assert.True(result.ExitCode == 143, result.Error);
        Assert.Equal("", result.Output);
        Assert.Single(result.ErrorLines, l => l.StartsWith("error: interrupted", StringComparison.Ordinal));
    }

    [Fact]
    public void Demo_stopped_by_ctrl_c_exits_130_naming_the_checkpoint()
    {
        using var work = new TempFolder();
        string data = "synthetic:images=8,size=128,classes=2,seed=1";
        var result = DyndetProcess.Run(Deadline, TestPaths.Repository, new Dictionary<string, string>(),
            [SignalCue.OnErrorLine("== Faster R-CNN", SignalCue.Interrupt)],
            ["demo", "--out", work.Path, $"data.train={data}", $"data.val={data}", "train.max_iters=50", "data.workers=0",
                .. TinyTraining.Overrides]);
        Assert.False(result.TimedOut);
        Assert.True(result.ExitCode == 130, result.Error);
        string line = Assert.Single(result.ErrorLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith("error: interrupted: the demo was interrupted during faster_rcnn_r18_cpu; its checkpoint is ", line,
            StringComparison.Ordinal);
        Assert.DoesNotContain("COCO AP", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctrl_c_twice_while_the_checkpoint_is_written_exits_130_and_leaves_no_temporary_file()
    {
        using var work = new TempFolder();
        // The first Ctrl-C mid-evaluation makes the trainer save; the second comes the moment the checkpoint's
        // temporary file exists, so it lands during the write: the process must wait for the write, then quit.
        var result = DyndetProcess.Run(Deadline, TestPaths.Repository, new Dictionary<string, string>(),
            [SignalCue.OnErrorLine("evaluating at iteration 2", SignalCue.Interrupt), SignalCue.OnFile(work.Path, ".latest.pth.*.tmp", SignalCue.Interrupt)],
            ["train", "--config", "faster_rcnn_r18_cpu", "--train-data", TinyTraining.TrainData, "--val-data", TinyTraining.ValData,
                "--out", work.Path, "--max-iters", "4", .. TinyTraining.Overrides, "train.eval_interval=2", "data.workers=0",
                // A full-width backbone: a checkpoint of ~100 MB takes long enough to write that the signal lands in it.
                "model.backbone.width=1", "model.neck.out_channels=256"]);
        Assert.False(result.TimedOut);
        Assert.True(result.ExitCode == 130, result.Error);
        Assert.Contains("interrupt again: quitting now", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(work.Path, "*.tmp", SearchOption.AllDirectories));
        // The write the second signal landed in was finished: latest.pth is the whole checkpoint of iteration 2.
        Assert.Equal(2, CheckpointWeights.Iteration(Path.Combine(work.Path, TrainingCheckpoint.LatestFile)));
    }
}
