using System.CommandLine;
using System.Globalization;
using DynDet.Comparison;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet compare CONFIG|NAME[@KEY=VALUE…]… [--seeds 1,2,3] [--out DIR] [--train-data SPEC] [--val-data SPEC]
/// [--max-iters N] [--name TEXT…] [KEY=VALUE…]</c> (CONTRACT.md): trains every row with every seed on the same data and schedule,
/// resumably, and prints the table of mean ± std per metric with each row's paired difference against the first;
/// writes <c>compare.json</c> and <c>index.html</c> (every run's curves, overlaid per row) to the output folder.
/// Arguments with <c>=</c> and no <c>@</c> are overrides for every row; the others are rows.
/// </summary>
public static class CompareCommand
{
    /// <summary>Creates the <c>compare</c> command.</summary>
    public static Command Create()
    {
        var arguments = new Argument<string[]>("CONFIG|NAME[@KEY=VALUE...]|KEY=VALUE")
        {
            Description = "Rows (a preset or config file, optionally with its own overrides after '@') and overrides for every row (KEY=VALUE). The first row is the baseline.",
            Arity = ArgumentArity.OneOrMore,
        };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds every row runs with (default 1,2,3).", DefaultValueFactory = _ => "1,2,3", HelpName = "S,S,..." };
        var output = new Option<string>("--out") { Description = "Output folder (default runs/compare).", DefaultValueFactory = _ => Path.Combine("runs", "compare"), HelpName = "DIR" };
        var trainData = new Option<string?>("--train-data") { Description = "Training dataset SPEC for every row (default: each config's data.train).", HelpName = "SPEC" };
        var valData = new Option<string?>("--val-data") { Description = "Validation dataset SPEC for every row (default: each config's data.val).", HelpName = "SPEC" };
        var names = new Option<string[]>("--name")
        {
            Description = "How the table shows a row; once per row, in row order (default: each row as written).", HelpName = "TEXT",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var maxIters = new Option<int?>("--max-iters") { Description = "Iterations of every run, >= 1 (overrides train.max_iters).", HelpName = "N" }.Within(1);
        var command = new Command("compare", "Train configs x seeds on the same data and schedule; table of mean ± std and paired differences.")
        {
            arguments, seeds, output, trainData, valData, maxIters, names,
        };
        command.SetAction(parse =>
        {
            var all = parse.GetValue(arguments) ?? [];
            var overrides = all.Where(IsOverride).ToList();
            if (parse.GetValue(maxIters) is int n)
            {
                overrides.Add(string.Create(CultureInfo.InvariantCulture, $"train.max_iters={n}"));
            }

            var specs = all.Where(a => !IsOverride(a)).ToList();
            var labels = parse.GetValue(names) ?? [];
            if (labels.Length != 0 && labels.Length != specs.Count)
            {
                throw new InputException($"compare: {labels.Length} --name for {specs.Count} rows; give one --name per row, in row order, or none");
            }

            var options = new ComparisonOptions
            {
                Rows = [.. specs.Select((spec, i) => CompareRow.Parse(spec, labels.Length == 0 ? null : labels[i]))],
                Seeds = ParseSeeds(parse.GetValue(seeds)!),
                OutputDirectory = parse.GetValue(output)!,
                Overrides = overrides,
                TrainData = parse.GetValue(trainData),
                ValData = parse.GetValue(valData),
            };
            return Run(options, Console.Out);
        });
        return command;
    }

    /// <summary>Runs the grid and prints its table; returns the exit status (130/143 when interrupted).</summary>
    internal static int Run(ComparisonOptions options, TextWriter output)
    {
        using var cancellation = new ConsoleCancellation();
        var result = new CompareRunner(options).Run(cancellation.Token);
        if (result is null)
        {
            return cancellation.ExitCode ?? ConsoleCancellation.InterruptExitCode;
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"COCO AP x 100 on the validation data, mean ± std over seeds {string.Join(",", options.Seeds)}:"));
        output.Write(CompareTable.Format(result));
        output.WriteLine();
        output.WriteLine($"compare: {Path.Combine(options.OutputDirectory, "index.html")}, {Path.Combine(options.OutputDirectory, "compare.json")}");
        return CliRunner.Ok;
    }

    private static bool IsOverride(string argument) =>
        argument.Contains('=', StringComparison.Ordinal) && !argument.Contains('@', StringComparison.Ordinal);

    private static int[] ParseSeeds(string text)
    {
        var seeds = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int seed))
            {
                throw new InputException($"--seeds '{text}': '{part}' is not a non-negative integer (e.g. --seeds 1,2,3)");
            }

            seeds.Add(seed);
        }

        return [.. seeds];
    }
}
