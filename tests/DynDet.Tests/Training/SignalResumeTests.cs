using System.Diagnostics;
using System.Runtime.InteropServices;
using DynDet.TestSupport;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>The real <c>dyndet train</c> process stopped by SIGTERM mid-evaluation, then resumed.</summary>
public sealed partial class SignalResumeTests
{
    private const int SigTerm = 15;
    private const string Val = "synthetic:images=16,seed=2,width=128,height=128,classes=2,max_objects=2,min_size=32";
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
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            Path.Combine(TestPaths.Repository, "src", "DynDet.Cli", "bin", "Release", "net10.0", "DynDet.Cli.dll"),
            "train", "--config", "faster_rcnn_r18_cpu", "--train-data", Train, "--val-data", Val, "--out", output, "--max-iters", "4",
            .. TinyTraining.Overrides, "train.eval_interval=2", "train.threads=1", "data.workers=0",
        ];
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        if (resume)
        {
            start.ArgumentList.Add("--resume");
        }

        using var process = Process.Start(start)!;
        var error = new System.Text.StringBuilder();
        bool sent = false;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (error)
            {
                error.AppendLine(e.Data);
                if (killOn is not null && !sent && e.Data.Contains(killOn, StringComparison.Ordinal))
                {
                    sent = true;
                    _ = Kill(process.Id, SigTerm);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill();
            Assert.Fail("dyndet train did not end within 5 minutes");
        }

        process.WaitForExit();
        lock (error)
        {
            return (process.ExitCode, error.ToString());
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
