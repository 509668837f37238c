using System.CommandLine;

namespace DynDet.Cli.Commands;

/// <summary>The subcommands of <c>dyndet</c>, in the order <c>--help</c> lists them.</summary>
public static class CommandCatalog
{
    /// <summary>Creates every subcommand.</summary>
    public static IEnumerable<Command> All()
    {
        yield return TrainCommand.Create();
        yield return EvalCommand.Create();
        yield return PredictCommand.Create();
        yield return BenchCommand.Create();
        yield return ExportCommand.Create();
        yield return CompareCommand.Create();
        yield return PretrainCommand.Create();
        yield return ReportCommand.Create();
        yield return ConfigCommand.Create();
        yield return DataCommand.Create();
        yield return DemoCommand.Create();
    }
}
