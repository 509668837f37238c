using System.CommandLine;
using System.Globalization;
using DynDet.Demo;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet demo [--out DIR] [KEY=VALUE ...]</c>: the main job (<c>make demo</c>). Trains the CPU Faster R-CNN
/// preset and the same preset with Dynamic R-CNN on the built-in synthetic data, evaluates both, prints the
/// comparison table and the trajectory of T and β, and writes the run folders and <c>index.html</c>.
/// </summary>
public static class DemoCommand
{
    /// <summary>Creates the <c>demo</c> command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output folder (default runs/demo).", DefaultValueFactory = _ => Path.Combine("runs", "demo"), HelpName = "DIR" };
        var overrides = new Argument<string[]>("KEY=VALUE") { Description = "Overrides applied to both configs, e.g. train.max_iters=300.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("demo", "The main job: Faster R-CNN vs Dynamic R-CNN on built-in synthetic data.") { output, overrides };
        command.SetAction(parse =>
        {
            using var cancellation = new ConsoleCancellation();
            var result = new DemoRunner(new DemoOptions
            {
                OutputDirectory = parse.GetValue(output)!,
                Overrides = parse.GetValue(overrides) ?? [],
            }).Run(cancellation.Token);
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
            return CliRunner.Ok;
        });
        return command;
    }
}
