using System.CommandLine;
using System.Globalization;
using DynDet.Demo;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet demo [--out DIR] [--all | --method NAME…] [KEY=VALUE ...]</c>: the main job (<c>make demo</c>). Trains the
/// CPU Faster R-CNN preset and the same preset with Dynamic R-CNN on the built-in synthetic data, evaluates both, prints
/// the comparison table and the trajectory of T and β, and writes the run folders and <c>index.html</c>. With
/// <c>--all</c> (or <c>--method</c>) it then runs one comparison per one-stage method and balancer
/// (<see cref="MethodDemo.OneStage"/>), each printed beside its committed study's seed spread.
/// </summary>
public static class DemoCommand
{
    /// <summary>Creates the <c>demo</c> command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output folder (default runs/demo).", DefaultValueFactory = _ => Path.Combine("runs", "demo"), HelpName = "DIR" };
        var overrides = new Argument<string[]>("KEY=VALUE") { Description = "Overrides applied to both configs, e.g. train.max_iters=300.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all")
        {
            Description = "After the main job, one comparison per method (" + string.Join(", ", MethodDemo.OneStage.Select(d => d.Key)) + "), each read against its study's seed spread (8 more runs, about 50 min on 2 cores).",
        };
        var methods = new Option<string[]>("--method")
        {
            Description = "Only these method comparisons, no main job (" + string.Join(", ", MethodDemo.OneStage.Select(d => d.Key)) + ").",
            HelpName = "NAME", Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("demo", "The main job: Faster R-CNN vs Dynamic R-CNN on built-in synthetic data, set up as its committed study (a built-in pretrained backbone, heads from scratch); --all adds one comparison per method.")
        {
            output, overrides, all, methods,
        };
        command.SetAction(parse =>
        {
            using var cancellation = new ConsoleCancellation();
            string[] only = parse.GetValue(methods) ?? [];
            var unknown = only.Where(m => MethodDemo.OneStage.All(d => d.Key != m)).ToList();
            if (unknown.Count > 0)
            {
                throw new InputException($"demo --method {unknown[0]}: no such comparison (choose from {string.Join(", ", MethodDemo.OneStage.Select(d => d.Key))})");
            }

            if (only.Length == 0)
            {
                RunMain(parse.GetValue(output)!, parse.GetValue(overrides) ?? [], cancellation.Token);
            }

            var chosen = only.Length > 0 ? MethodDemo.OneStage.Where(d => only.Contains(d.Key)) : parse.GetValue(all) ? MethodDemo.OneStage : [];
            foreach (var demo in chosen)
            {
                RunMethod(demo, parse.GetValue(output)!, parse.GetValue(overrides) ?? [], cancellation.Token);
            }

            if (only.Length == 0 && !parse.GetValue(all))
            {
                Console.WriteLine();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"more: ./dyndet demo --all runs one comparison per method ({string.Join(", ", MethodDemo.OneStage.Select(d => d.Key))}) against its study; README.md has the studies' tables"));
            }

            return CliRunner.Ok;
        });
        return command;
    }

    private static void RunMethod(MethodDemo demo, string output, IReadOnlyList<string> overrides, CancellationToken cancellation)
    {
        // Dynamic R-CNN's own settings mean nothing to these configs.
        var common = DemoRunner.WithoutDynamicRcnnSettings(overrides).ToList();
        Console.Error.WriteLine($"== demo {demo.Key}");
        var result = new MethodDemoRunner(output, common).Run(demo, cancellation)
            ?? throw new OperationCanceledException($"the demo was interrupted during {demo.Key}; run the same command again to continue it");
        Console.WriteLine();
        Console.Write(MethodDemoTable.Format(result));
        Console.WriteLine($"page: {Path.Combine(result.OutputDirectory, "index.html")}");
    }

    private static void RunMain(string output, IReadOnlyList<string> overrides, CancellationToken cancellation)
    {
        var result = new DemoRunner(new DemoOptions { OutputDirectory = output, Overrides = overrides }).Run(cancellation);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"COCO AP x 100 on {result.Baseline.Evaluation.Coco.CategoryCount}-class synthetic validation data, {result.Baseline.Training.Iterations} iterations each, same seed:"));
        Console.Write(DemoTable.Format(result));
        Console.WriteLine();
        Console.WriteLine("Dynamic R-CNN's IoU threshold T and SmoothL1 beta after each update:");
        Console.WriteLine("  iter       T      beta");
        foreach (var (iteration, threshold, beta) in result.Updates)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{iteration,6}  {threshold,6:F3}  {beta,8:F4}"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report: {result.ReportPath}  (whole job {result.Elapsed:hh\\:mm\\:ss})"));
    }
}
