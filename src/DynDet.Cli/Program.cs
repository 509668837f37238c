using System.CommandLine;
using DynDet.Cli.Commands;

namespace DynDet.Cli;

/// <summary>Entry point of the <c>dyndet</c> command (see CONTRACT.md).</summary>
public static class Program
{
    /// <summary>
    /// Runs the command line; returns 0 on success, 2 on bad usage or input (a missing native library
    /// included), 1 on internal failure. Thread defaults are applied by <see cref="CliRunner"/> once a
    /// command, not help, is about to run.
    /// </summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("DynDet: object detection with dynamic training, on libtorch.");
        root.Options.Add(CliRunner.VerboseOption);
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        return CliRunner.Run(root, args);
    }
}
