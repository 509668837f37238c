using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DynDet.Benchmarking;
using DynDet.Config;
using DynDet.Diagnostics;
using DynDet.Torch;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet bench --model NAME --size S --batch B [--iters N] [--threads T] [--json]</c> (CONTRACT.md): times a
/// training step and an inference pass on peer_bench.py's fixed batch. NAME is <c>fasterrcnn_r18</c> or
/// <c>fasterrcnn_r50</c> (configured as torchvision) or any DynDet preset. <c>--compare-dynamic</c> times the
/// same model with its dynamic parts (<see cref="DynamicParts"/>) on and off, interleaved in one run, and reports the overhead.
/// </summary>
public static class BenchCommand
{
    /// <summary>Creates the <c>bench</c> command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "fasterrcnn_r18, fasterrcnn_r50 (configured as torchvision), a preset name, or resnet18_cls/resnet50_cls (a classification step, against benchmarks/peer/classifier_bench.py).",
            Required = true,
            HelpName = "NAME",
        };
        var size = new Option<int>("--size") { Description = "Square input side, in [32, 4096] (default 320).", DefaultValueFactory = _ => 320, HelpName = "S" }
            .Within(32, 4096);
        var batch = new Option<int>("--batch") { Description = "Images per batch, in [1, 256] (default 2).", DefaultValueFactory = _ => 2, HelpName = "B" }
            .Within(1, 256);
        var iters = new Option<int>("--iters") { Description = "Timed iterations after one warm-up, >= 1 (default 3).", DefaultValueFactory = _ => 3, HelpName = "N" }
            .Within(1);
        var threads = new Option<int>("--threads") { Description = "Intra-op threads, in [1, 1024] (default 2).", DefaultValueFactory = _ => 2, HelpName = "T" }
            .Within(1, 1024);
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var compare = new Option<bool>("--compare-dynamic") { Description = "Time training steps with and without the config's dynamic parts (Dynamic R-CNN, balancers, combined-IoU assignment), interleaved, and print the overhead." };
        var profile = new Option<bool>("--profile") { Description = "Also print where the training step's time goes, by phase." };
        var overrides = new Argument<string[]>("KEY=VALUE") { Description = "Config overrides.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("bench", "Time a training step and an inference pass.") { model, size, batch, iters, threads, json, compare, profile, overrides };
        command.SetAction(parse =>
        {
            string name = parse.GetValue(model)!;
            int s = parse.GetValue(size), b = parse.GetValue(batch), n = parse.GetValue(iters), t = parse.GetValue(threads);
            Engine.NumThreads = t;
            if (ClassifierDepth(name) is int depth)
            {
                using var classifier = new ClassifierBenchmark(depth, s, b);
                return Print(name, s, b, t, classifier.Measure(n), parse.GetValue(json));
            }

            var config = ConfigLoader.Load(name, parse.GetValue(overrides));
            if (parse.GetValue(profile))
            {
                return Profile(config, s, b, n);
            }

            return parse.GetValue(compare)
                ? CompareDynamic(name, config, s, b, n, t, parse.GetValue(json))
                : Single(name, config, s, b, n, t, parse.GetValue(json));
        });
        return command;
    }

    private static int? ClassifierDepth(string name) =>
        name.StartsWith("resnet", StringComparison.Ordinal) && name.EndsWith("_cls", StringComparison.Ordinal) &&
        int.TryParse(name.AsSpan(6, name.Length - 10), NumberStyles.None, CultureInfo.InvariantCulture, out int depth)
            ? depth
            : null;

    private static int Single(string name, DetectorConfig config, int size, int batch, int iters, int threads, bool json)
    {
        using var bench = new StepBenchmark(config, size, batch);
        return Print(name, size, batch, threads, bench.Measure(iters), json);
    }

    private static int Print(string name, int size, int batch, int threads, BenchmarkResult result, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = name, ["size"] = size, ["batch"] = batch, ["threads"] = threads,
                ["train_ms"] = Math.Round(result.TrainMs, 1), ["infer_ms"] = Math.Round(result.InferMs, 1),
            }));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} size {size} batch {batch} threads {threads}: train {result.TrainMs:F1} ms/step, infer {result.InferMs:F1} ms"));
        }

        return CliRunner.Ok;
    }

    private static int Profile(DetectorConfig config, int size, int batch, int iters)
    {
        using var bench = new StepBenchmark(config, size, batch);
        bench.TrainStep();
        PhaseProfiler.Enabled = true;
        double ms = StepBenchmark.Time(bench.TrainStep, iters);
        PhaseProfiler.Enabled = false;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training step: {ms:F1} ms (mean of {iters})"));
        Console.Write(PhaseProfiler.Report(ms * iters, iters));
        bench.InferStep();
        PhaseProfiler.Reset();
        PhaseProfiler.Enabled = true;
        ms = StepBenchmark.Time(bench.InferStep, iters);
        PhaseProfiler.Enabled = false;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inference: {ms:F1} ms (mean of {iters})"));
        Console.Write(PhaseProfiler.Report(ms * iters, iters));
        return CliRunner.Ok;
    }

    private static int CompareDynamic(string name, DetectorConfig config, int size, int batch, int iters, int threads, bool json)
    {
        var (baselineConfig, removed) = DynamicParts.Strip(config);
        if (removed.Count == 0)
        {
            throw new InputException($"bench --compare-dynamic: config {name} has no dynamic parts (model.dynamic_rcnn, a head's balancer, model.bbox_head.assigner.combined_ious)");
        }

        // Same config and batch; the baseline differs only by having no dynamic parts (DynamicParts.Strip): Dynamic
        // R-CNN's R-CNN loss stays SmoothL1 with the initial β, the balanced heads keep their per-level losses (with
        // weights 1), ATSS keeps its loss and quality branch, so only the dynamic work differs. Steps alternate one by
        // one, so a drift of the machine falls on both.
        using var dynamic = new StepBenchmark(config, size, batch);
        using var baseline = new StepBenchmark(baselineConfig, size, batch);
        dynamic.TrainStep();
        baseline.TrainStep();
        double withMs = 0, withoutMs = 0;
        for (int i = 0; i < iters; i++)
        {
            withMs += StepBenchmark.Time(dynamic.TrainStep, 1);
            withoutMs += StepBenchmark.Time(baseline.TrainStep, 1);
        }

        withMs /= iters;
        withoutMs /= iters;
        double overhead = (withMs / withoutMs - 1) * 100;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = name, ["size"] = size, ["batch"] = batch, ["threads"] = threads, ["iters"] = iters,
                ["dynamic_parts"] = removed, ["train_ms_dynamic"] = Math.Round(withMs, 1), ["train_ms_baseline"] = Math.Round(withoutMs, 1),
                ["overhead_percent"] = Math.Round(overhead, 2),
            }));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} size {size} batch {batch} threads {threads}, {iters} interleaved steps, without {string.Join(", ", removed)}: dynamic {withMs:F1} ms, baseline {withoutMs:F1} ms, overhead {overhead:+0.00;-0.00}%"));
        }

        return CliRunner.Ok;
    }
}
