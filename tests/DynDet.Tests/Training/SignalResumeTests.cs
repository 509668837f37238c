using DynDet.TestSupport;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>The real <c>dyndet train</c> process stopped by SIGTERM mid-evaluation, then resumed.</summary>
public sealed class SignalResumeTests
{
    // 48 images: an evaluation long enough (about half a second) that the SIGTERM sent on its first line lands in it.
    private const string Val = "synthetic:images=48,seed=2,width=128,height=128,classes=2,max_objects=2,min_size=32";
    private const string Train = "synthetic:images=40,seed=1,width=128,height=128,classes=2,max_objects=2,min_size=32";

    [Fact]
    public void A_run_killed_with_sigterm_mid_evaluation_and_resumed_ends_with_the_same_weights_as_an_uninterrupted_run()
    {
        string straight = TinyTraining.TemporaryFolder();
        string broken = TinyTraining.TemporaryFolder();
        try
        {
            var (code, error) = RunCli(straight, false, null);
            Assert.True(code == 0, error);

            // SIGTERM as soon as the evaluation at iteration 2 says it started (a line on stderr, not a delay).
            (code, error) = RunCli(broken, false, "evaluating at iteration 2");
            Assert.True(code == 143, error);
            Assert.Contains("interrupted during the evaluation at iteration 2", error, StringComparison.Ordinal);
            string latest = Path.Combine(broken, TrainingCheckpoint.LatestFile);
            Assert.Equal(2, CheckpointWeights.Iteration(latest));
            Assert.Empty(Directory.GetFiles(broken, "*.tmp"));

            (code, error) = RunCli(broken, true, null);
            Assert.True(code == 0, error);
            Assert.Contains("redoing the evaluation at iteration 2", error, StringComparison.Ordinal);
            CheckpointWeights.AssertSame(Path.Combine(straight, TrainingCheckpoint.LatestFile), latest);
        }
        finally
        {
            Directory.Delete(straight, recursive: true);
            Directory.Delete(broken, recursive: true);
        }
    }

    private static (int Code, string Error) RunCli(string output, bool resume, string? killOn)
    {
        string[] args =
        [
            "train", "--config", "faster_rcnn_r18_cpu", "--train-data", Train, "--val-data", Val, "--out", output, "--max-iters", "4",
            .. TinyTraining.Overrides, "train.eval_interval=2", "train.threads=1", "data.workers=0", .. (resume ? ["--resume"] : Array.Empty<string>()),
        ];
        SignalCue[] signals = killOn is null ? [] : [SignalCue.OnErrorLine(killOn, SignalCue.Terminate)];
        var result = DyndetProcess.Run(TimeSpan.FromMinutes(5), TestPaths.Repository, new Dictionary<string, string>(), signals, args);
        Assert.False(result.TimedOut, "dyndet train did not end within 5 minutes");
        return (result.ExitCode, result.Error);
    }
}
