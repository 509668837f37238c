using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using DynDet.Cli;
using DynDet.TestSupport;
using DynDet.Tests.Training;
using DynDet.Tests.Training.Distributed;
using DynDet.Torch;
using DynDet.Torch.Serialization;

namespace DynDet.Tests.Cli;

/// <summary><c>dyndet train --nproc 2</c>: two real worker processes over 127.0.0.1 against one process.</summary>
public sealed partial class DataParallelCliTests : TorchTest
{
    private const string Data = "synthetic:images=40,seed=1,width=64,height=64,classes=2,max_objects=2,min_size=16";
    private const string Val = "synthetic:images=2,seed=2,width=64,height=64,classes=2,max_objects=2,min_size=16";

    /// <summary>
    /// After 50 steps every tensor of the two-process run is within <c>RelativeTolerance · max |w| + AbsoluteTolerance</c>
    /// of the one-process run's. Measured (float32 sums in another order: one two-image batch against two one-image
    /// batches): at most 2.6e-7 of the largest weight in tensors whose weights reach 1e-3, and 7e-9 absolute in the
    /// batch-norm biases that stay near zero (≈ 3e-7: their relative error is noise of cancelling gradients). The
    /// bounds leave margins of about 40 and 14.
    /// </summary>
    private const double RelativeTolerance = 1e-5;

    /// <summary>See <see cref="RelativeTolerance"/>.</summary>
    private const double AbsoluteTolerance = 1e-7;

    private static string[] Train(string output, int imagesPerBatch, params string[] extra) =>
    [
        "train", "--config", "retinanet_r18_cpu", "--train-data", Data, "--val-data", Val, "--out", output,
        .. extra, .. DataParallelStepTests.Overrides,
        $"data.images_per_batch={imagesPerBatch}", "train.log_interval=10",
    ];

    [Fact]
    public void Fifty_steps_on_two_processes_give_the_weights_of_one_process_with_the_global_batch()
    {
        using var folder = new TempFolder();
        string single = Path.Combine(folder.Path, "single");
        string parallel = Path.Combine(folder.Path, "parallel");
        // lr_base_batch=2: the rate follows the global batch (2 in both runs), not the per-process one.
        var one = DyndetProcess.Run(TimeSpan.FromMinutes(3), TestPaths.Repository, Train(single, 2, "--max-iters", "50", "train.lr_base_batch=2"));
        Assert.True(one.ExitCode == 0, one.Error);
        var two = DyndetProcess.Run(TimeSpan.FromMinutes(3), TestPaths.Repository,
            Train(parallel, 1, "--nproc", "2", "--max-iters", "50", "train.lr_base_batch=2"));
        Assert.True(two.ExitCode == 0, two.Error);
        Assert.Contains("1 images/batch × 2 processes = 2", two.Error, StringComparison.Ordinal);
        // Rank 0 alone reports.
        Assert.Single(two.Output.Split('\n'), l => l.StartsWith("done: 50 iterations", StringComparison.Ordinal));

        using var scope = Engine.NewDisposeScope();
        using var a = TorchSerializer.Load(Path.Combine(single, "latest.pth"));
        using var b = TorchSerializer.Load(Path.Combine(parallel, "latest.pth"));
        var expected = a.GetStateDict("state_dict");
        var actual = b.GetStateDict("state_dict");
        Assert.Equal(expected.Keys, actual.Keys);
        string? worst = null;
        int compared = 0;
        foreach (var (name, e) in expected)
        {
            if (!ScalarTypes.IsFloatingPoint(e.Dtype))
            {
                continue;
            }

            double scale = e.Abs().Max().ToDouble();
            double difference = (e - actual[name]).Abs().Max().ToDouble();
            if (difference > (RelativeTolerance * scale) + AbsoluteTolerance)
            {
                worst ??= string.Create(CultureInfo.InvariantCulture, $"{name} differs by {difference:E2} (max |w| {scale:E2})");
            }

            compared++;
        }

        Assert.True(compared > 50, $"{compared} tensors compared");
        Assert.Null(worst);
    }

    /// <summary>
    /// A worker that dies (SIGKILL) or hangs (SIGSTOP) mid-run: rank 0 stops within the timeout with one error line
    /// naming its rank and the operation, the launcher exits non-zero, no process is left, the checkpoint is readable.
    /// A hung worker is continued once rank 0 has failed, so that the launcher's SIGTERM reaches it now rather than
    /// its SIGKILL after the 30 s grace.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_worker_that_dies_or_hangs_stops_the_other_with_one_error_line_no_process_left_and_a_readable_checkpoint(bool hangs)
    {
        using var folder = new TempFolder();
        string output = Path.Combine(folder.Path, "run");
        var start = new ProcessStartInfo(Path.Combine(TestPaths.Repository, "dyndet"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.Repository,
        };
        int timeout = hangs ? 5 : 20;
        foreach (string arg in Train(output, 1, "--nproc", "2", "--max-iters", "100000", "--dist-timeout", timeout.ToString(CultureInfo.InvariantCulture),
            "train.checkpoint_interval=5"))
        {
            start.ArgumentList.Add(arg);
        }

        using var launcher = Process.Start(start)!;
        var error = new StringBuilder();
        using var launched = new ManualResetEventSlim();
        using var failed = new ManualResetEventSlim();
        int[] pids = [];
        launcher.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (error)
            {
                error.Append(e.Data).Append('\n');
            }

            if (e.Data.StartsWith("error:", StringComparison.Ordinal))
            {
                failed.Set();
            }

            if (Pids().Match(e.Data) is { Success: true } m)
            {
                pids = [int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)];
                launched.Set();
            }
        };
        launcher.OutputDataReceived += (_, _) => { };
        launcher.BeginErrorReadLine();
        launcher.BeginOutputReadLine();
        try
        {
            Assert.True(launched.Wait(TimeSpan.FromSeconds(60)), "the launcher did not report its workers");
            string latest = Path.Combine(output, "latest.pth");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(latest) && clock.Elapsed < TimeSpan.FromSeconds(90) && !launcher.HasExited)
            {
                Thread.Sleep(50);
            }

            Assert.True(File.Exists(latest), "no checkpoint was written");
            var stopped = Stopwatch.StartNew();
            Assert.Equal(0, Signal(pids[1], hangs ? SigStop : SigKill));
            // A dead peer is seen at once, a hung one after the timeout; the margin is for the loaded machine.
            Assert.True(failed.Wait(TimeSpan.FromSeconds(timeout + 25)), "rank 0 did not fail within the timeout");
            Assert.True(!hangs || stopped.Elapsed >= TimeSpan.FromSeconds(timeout - 1), $"rank 0 failed after {stopped.Elapsed} only");
            if (hangs)
            {
                _ = Signal(pids[1], SigCont);
            }

            Assert.True(launcher.WaitForExit(TimeSpan.FromSeconds(60)), "the launcher did not exit after a worker failed");
            launcher.WaitForExit();
            Assert.NotEqual(0, launcher.ExitCode);
            string[] lines;
            lock (error)
            {
                lines = error.ToString().Split('\n');
            }

            // Rank 0's one line; a hung worker, once continued, may add its own (naming rank 1) as the launcher stops it.
            var errors = lines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
            var failure = Assert.Single(errors, l => l.Contains("(rank 0 of 2)", StringComparison.Ordinal));
            Assert.All(errors, l => Assert.Matches(@"\(rank [01] of 2\)", l));
            Assert.True(hangs || errors.Length == 1, string.Join('\n', errors));
            Assert.True(failure.Contains(hangs ? "timed out" : "Connection", StringComparison.Ordinal), failure);
            foreach (int pid in pids)
            {
                Assert.False(Directory.Exists($"/proc/{pid}"), $"worker {pid} is still there");
            }

            Assert.True(CheckpointWeights.Iteration(latest) >= 5);
            CheckpointWeights.AssertFinite(latest);
        }
        finally
        {
            if (!launcher.HasExited)
            {
                launcher.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void Sigterm_to_the_launcher_stops_both_workers_after_the_same_step_with_a_checkpoint_of_it()
    {
        using var folder = new TempFolder();
        string output = Path.Combine(folder.Path, "run");
        var result = DyndetProcess.Run(TimeSpan.FromMinutes(2), TestPaths.Repository, new Dictionary<string, string>(),
            [SignalCue.OnFile(output, "latest.pth", SignalCue.Terminate)],
            Train(output, 1, "--nproc", "2", "--max-iters", "100000", "train.checkpoint_interval=3"));
        Assert.False(result.TimedOut);
        Assert.True(result.ExitCode == 143, result.Error);
        // Rank 0 reports once; the checkpoint holds the step every rank stopped after.
        var done = Assert.Single(result.Output.Split('\n'), l => l.StartsWith("interrupted: ", StringComparison.Ordinal));
        long iterations = long.Parse(Regex.Match(done, @"^interrupted: (\d+) iterations").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(iterations, CheckpointWeights.Iteration(Path.Combine(output, "latest.pth")));
        Assert.DoesNotContain("error:", result.Error, StringComparison.Ordinal);
        var launch = result.ErrorLines.Select(l => Pids().Match(l)).FirstOrDefault(m => m.Success);
        Assert.True(launch is not null, result.Error);
        foreach (int pid in new[] { launch.Groups[1].Value, launch.Groups[2].Value }.Select(p => int.Parse(p, CultureInfo.InvariantCulture)))
        {
            Assert.False(Directory.Exists($"/proc/{pid}"), $"worker {pid} is still there");
        }
    }

    [Fact]
    public async Task Workers_started_by_another_launcher_join_from_torchruns_and_slurms_variables()
    {
        using var folder = new TempFolder();
        string output = Path.Combine(folder.Path, "run");
        string port = LocalLauncher.FreePort().ToString(CultureInfo.InvariantCulture);
        // Rank 0 as torchrun starts it, rank 1 as srun does (MASTER_* exported by the job script).
        var environments = new[]
        {
            new Dictionary<string, string> { ["RANK"] = "0", ["WORLD_SIZE"] = "2", ["LOCAL_RANK"] = "0", ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = port },
            new Dictionary<string, string> { ["SLURM_PROCID"] = "1", ["SLURM_NTASKS"] = "2", ["SLURM_LOCALID"] = "1", ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = port },
        };
        var runs = environments.Select(e => Task.Run(() => DyndetProcess.Run(TimeSpan.FromMinutes(2), TestPaths.Repository, e, [],
            Train(output, 1, "--max-iters", "4")))).ToArray();
        var results = await Task.WhenAll(runs);
        var (rank0, rank1) = (results[0], results[1]);
        Assert.True(rank0.ExitCode == 0, rank0.Error);
        Assert.True(rank1.ExitCode == 0, rank1.Error);
        Assert.Contains("1 images/batch × 2 processes = 2", rank0.Error, StringComparison.Ordinal);
        Assert.StartsWith("done: 4 iterations", rank0.Output, StringComparison.Ordinal);
        // Rank 1 trains silently: rank 0 reports and writes.
        Assert.Equal(string.Empty, rank1.Output);
        Assert.Equal(4, CheckpointWeights.Iteration(Path.Combine(output, "latest.pth")));
    }

    [Fact]
    public void Bad_input_found_by_the_workers_is_one_error_line_and_exit_2()
    {
        using var folder = new TempFolder();
        string missing = Path.Combine(folder.Path, "missing.json");
        var result = DyndetProcess.Run(TimeSpan.FromMinutes(1), TestPaths.Repository,
            ["train", "--nproc", "2", "--config", "retinanet_r18_cpu", "--train-data", missing, "--out", Path.Combine(folder.Path, "run")]);
        Assert.True(result.ExitCode == 2, result.Error);
        var line = Assert.Single(result.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(missing, line, StringComparison.Ordinal);
    }

    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    [LibraryImport("libc.so.6", EntryPoint = "kill")]
    private static partial int Signal(int pid, int signal);

    [GeneratedRegex(@"^launch: 2 workers at .* \(pids (\d+) (\d+)\)")]
    private static partial Regex Pids();
}
