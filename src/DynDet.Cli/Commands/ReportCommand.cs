using System.CommandLine;
using DynDet.Reports;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet report RUN [RUN…] [--out FILE]</c> (CONTRACT.md): rebuilds a run's <c>index.html</c> from its folder
/// (<c>metrics.json</c>, <c>config.json</c>, <c>gallery/</c>); with several runs, the first run's page overlays the
/// others' curves and lists their tables beside its own.
/// </summary>
public static class ReportCommand
{
    /// <summary>Creates the <c>report</c> command.</summary>
    public static Command Create()
    {
        var runs = new Argument<string[]>("RUN")
        {
            Description = "Run folders (written by 'dyndet train'); the first one's page overlays the others.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--out") { Description = "Where to write the page (default RUN/index.html of the first run).", HelpName = "FILE" };
        var command = new Command("report", "Rebuild a run's HTML report, optionally overlaying other runs.") { runs, output };
        command.SetAction(parse => Run(parse.GetValue(runs)!, parse.GetValue(output), Console.Out));
        return command;
    }

    /// <summary>Writes the page and prints its path; returns the exit status.</summary>
    /// <exception cref="InputException">A folder is not a run folder, or its metrics are unreadable.</exception>
    internal static int Run(IReadOnlyList<string> runDirectories, string? outputPath, TextWriter output)
    {
        var records = runDirectories.Select(RunRecord.Load).ToList();
        string path = outputPath ?? Path.Combine(runDirectories[0], RunReport.FileName);
        RunReport.Write(path, records);
        output.WriteLine($"report: {path}");
        return CliRunner.Ok;
    }
}
