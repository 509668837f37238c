using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Torch;
using DynDet.Torch.Distributed;
using DynDet.Training;
using DynDet.Training.Distributed;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet train --config NAME|FILE [--train-data SPEC] [--val-data SPEC] [--out DIR] [--max-iters N] [--seed S]
/// [--resume [--force]] [--nproc N] [--dist-timeout S] [KEY=VALUE ...]</c> (CONTRACT.md): trains, writing checkpoints and <c>metrics.json</c> to the
/// output folder and evaluating on the validation data at the end. Exit 0 when complete, 130 after Ctrl-C and 143
/// after SIGTERM (a checkpoint of the last completed step was written; <c>--resume</c> continues), 1 when the
/// training diverged (the last good checkpoint is kept), 2 on bad input — a <c>--resume</c> whose checkpoint has
/// other classes, data or config included (<c>--force</c> resumes anyway, printing what differs). With <c>--nproc N</c>
/// it launches N data-parallel workers of itself on this machine (<see cref="LocalLauncher"/>); a process whose
/// environment has torchrun's or SLURM's rank variables (<see cref="WorkerEnvironment"/>) joins their process group as
/// one worker, with cores / local workers threads unless <c>DYNDET_THREADS</c>, <c>OMP_NUM_THREADS</c> or
/// <c>train.threads</c> say otherwise. A worker whose partner died or stalled past <c>--dist-timeout</c> exits 1 with
/// one line naming its rank and the operation.
/// </summary>
public static class TrainCommand
{
    /// <summary>Exit status of a run stopped by Ctrl-C after saving (SIGTERM gives <see cref="ConsoleCancellation.TerminateExitCode"/>).</summary>
    public const int Interrupted = ConsoleCancellation.InterruptExitCode;

    /// <summary>Creates the <c>train</c> command.</summary>
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = $"Preset name ({string.Join(", ", ConfigLoader.PresetNames)}) or a JSON config file.",
            Required = true,
            HelpName = "NAME|FILE",
        };
        var trainData = new Option<string?>("--train-data") { Description = "Training dataset SPEC (default: the config's data.train).", HelpName = "SPEC" };
        var valData = new Option<string?>("--val-data") { Description = "Validation dataset SPEC (default: the config's data.val).", HelpName = "SPEC" };
        var trainSplit = new Option<string?>("--train-split") { Description = "VOC split of the training data (default train).", HelpName = "NAME" };
        var valSplit = new Option<string?>("--val-split") { Description = "VOC split of the validation data (default val).", HelpName = "NAME" };
        var images = new Option<string?>("--images") { Description = "Folder of the images of COCO JSON datasets.", HelpName = "DIR" };
        var output = new Option<string?>("--out") { Description = "Output folder (default runs/<config name>).", HelpName = "DIR" };
        var maxIters = new Option<int?>("--max-iters") { Description = "Iterations to train, >= 1 (overrides train.max_iters).", HelpName = "N" }.Within(1);
        var seed = new Option<int?>("--seed") { Description = "Random seed, >= 0 (overrides train.seed).", HelpName = "S" }.Within(0);
        var resume = new Option<bool>("--resume") { Description = "Continue from latest.pth in the output folder (refused if its classes, data or config differ)." };
        var force = new Option<bool>("--force") { Description = "With --resume: resume even if the checkpoint's classes, data or config differ (printing what differs)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the result." };
        var nproc = new Option<int?>("--nproc")
        {
            Description = "Data-parallel worker processes to start on this machine, >= 1 (like torchrun --nproc_per_node; default 1).",
            HelpName = "N",
        }.Within(1, 1024);
        var distTimeout = new Option<int>("--dist-timeout")
        {
            Description = "Seconds a worker waits for the others at the rendezvous and at each collective, >= 1 (default 1800, PyTorch's); it must cover rank 0's evaluations.",
            HelpName = "S",
            DefaultValueFactory = _ => DefaultDistributedTimeoutSeconds,
        }.Within(1);
        var overrides = new Argument<string[]>("KEY=VALUE") { Description = "Config overrides by dotted path, e.g. train.lr=0.01.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("train", "Train a detector.")
        {
            config, trainData, valData, trainSplit, valSplit, images, output, maxIters, seed, resume, force, json, nproc, distTimeout, overrides,
        };
        command.SetAction(parse =>
        {
            var assignments = new List<string>(parse.GetValue(overrides) ?? []);
            if (parse.GetValue(maxIters) is int n)
            {
                assignments.Add(string.Create(CultureInfo.InvariantCulture, $"train.max_iters={n}"));
            }

            if (parse.GetValue(seed) is int s)
            {
                assignments.Add(string.Create(CultureInfo.InvariantCulture, $"train.seed={s}"));
            }

            var resolved = ConfigLoader.Load(parse.GetValue(config)!, assignments);
            var worker = WorkerEnvironment.FromEnvironment();
            if (parse.GetValue(nproc) is int processes and > 1)
            {
                if (worker.IsDistributed)
                {
                    throw new InputException("--nproc starts the workers itself: leave it out when a launcher (torchrun, srun) already set RANK and WORLD_SIZE");
                }

                // The config was checked above: one error line, not one per worker.
                return LocalLauncher.Run(processes, WorkerArguments(Environment.GetCommandLineArgs()[1..]), Console.Error);
            }
            string trainSpec = parse.GetValue(trainData) ?? resolved.Data.Train
                ?? throw new InputException("no training data: give --train-data SPEC or set data.train in the config");
            string? valSpec = parse.GetValue(valData) ?? resolved.Data.Val;
            var decoding = ImageDecodeOptions.FromConfig(resolved.Data);
            var train = DatasetSpec.Open(trainSpec, parse.GetValue(trainSplit), parse.GetValue(images), "train", decoding);
            var val = valSpec is null ? null : DatasetSpec.Open(valSpec, parse.GetValue(valSplit), parse.GetValue(images), "val", decoding);
            string outDir = parse.GetValue(output) ?? Path.Combine("runs", resolved.Name);
            if (parse.GetValue(force) && !parse.GetValue(resume))
            {
                throw new InputException("--force only applies with --resume");
            }

            ProcessGroup? group = null;
            if (worker.IsDistributed)
            {
                if (!WorkerGuard.Arm())
                {
                    Console.Error.WriteLine($"error: rank {worker.Rank}: the launcher that started this worker is gone");
                    return CliRunner.InternalError;
                }

                if (ThreadDefaults.FromEnvironment() is null && resolved.Train.Threads == 0)
                {
                    Engine.NumThreads = worker.DefaultThreads(Environment.ProcessorCount);
                }

                group = ProcessGroup.Join(worker.MasterAddress, worker.MasterPort, worker.Rank, worker.WorldSize,
                    TimeSpan.FromSeconds(parse.GetValue(distTimeout)));
            }

            using (group)
            {
                return Run(new TrainerOptions
                {
                    Config = resolved,
                    TrainData = train,
                    ValData = val,
                    OutputDirectory = outDir,
                    Resume = parse.GetValue(resume),
                    ForceResume = parse.GetValue(force),
                    ProcessGroup = group,
                }, parse.GetValue(json), Console.Out);
            }
        });
        return command;
    }

    /// <summary>PyTorch's default process-group timeout, in seconds (30 minutes).</summary>
    public const int DefaultDistributedTimeoutSeconds = 1800;

    /// <summary>The workers' command line: this one without <c>--nproc N</c> (or <c>--nproc=N</c>).</summary>
    internal static string[] WorkerArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new List<string>(args.Count);
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--nproc")
            {
                i++;
                continue;
            }

            if (args[i].StartsWith("--nproc=", StringComparison.Ordinal))
            {
                continue;
            }

            result.Add(args[i]);
        }

        return [.. result];
    }

    /// <summary>Runs the trainer and prints the result; returns the exit status.</summary>
    internal static int Run(TrainerOptions options, bool json, TextWriter output)
    {
        using var cancellation = new ConsoleCancellation();
        TrainingResult result;
        try
        {
            result = new Trainer(options).Run(cancellation.Token);
        }
        catch (TorchException e) when (options.ProcessGroup is { } failed)
        {
            // A partner died or stalled: the native message names the operation and this rank.
            string latest = Path.Combine(options.OutputDirectory, TrainingCheckpoint.LatestFile);
            Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}" +
                (failed.Rank == 0 && File.Exists(latest) ? $"; the last checkpoint is {latest}" : string.Empty));
            return CliRunner.InternalError;
        }
        catch (TrainingDivergedException) when (options.ProcessGroup is { Rank: > 0 })
        {
            // Every rank saw the same (reduced) losses and stopped at the same step: rank 0 reports it.
            return CliRunner.InternalError;
        }
        catch (TrainingDivergedException e)
        {
            string latest = Path.Combine(options.OutputDirectory, TrainingCheckpoint.LatestFile);
            Console.Error.WriteLine($"error: training diverged: {e.Message}; " +
                (File.Exists(latest) ? $"the last good checkpoint is {latest}" : "no checkpoint had been written yet"));
            return CliRunner.InternalError;
        }

        if (options.ProcessGroup is { Rank: > 0 })
        {
            // Rank 0 reports the run.
            return result.Reason == TrainingStopReason.Completed ? CliRunner.Ok : cancellation.ExitCode ?? Interrupted;
        }

        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("status", result.Reason == TrainingStopReason.Completed ? "completed" : "interrupted");
                w.WriteNumber("iterations", result.Iterations);
                w.WriteString("checkpoint", result.Checkpoint);
                w.WriteString("report", result.Report);
                w.WriteNumber("seconds", result.Elapsed.TotalSeconds);
                if (result.FinalEvaluation is { } report)
                {
                    w.WriteStartObject("eval");
                    foreach (var (k, v) in report.Coco.Metrics)
                    {
                        w.WriteNumber(k, v);
                    }

                    w.WriteNumber("voc_map", report.VocArea.MeanAP);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(result.Reason == TrainingStopReason.Completed ? "done" : "interrupted")}: {result.Iterations} iterations in {result.Elapsed:hh\\:mm\\:ss}; checkpoint {result.Checkpoint}; report {result.Report}"));
            if (result.FinalEvaluation is { } report)
            {
                output.Write(report.Coco.FormatSummary());
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $" VOC mAP@0.5 (area) = {report.VocArea.MeanAP:F4}   (VOC07 11-point) = {report.Voc11Point.MeanAP:F4}"));
            }
        }

        return result.Reason == TrainingStopReason.Completed ? CliRunner.Ok : cancellation.ExitCode ?? Interrupted;
    }
}
