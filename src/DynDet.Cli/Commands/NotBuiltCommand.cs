using System.CommandLine;

namespace DynDet.Cli.Commands;

/// <summary>
/// A command of CONTRACT.md that does not exist yet: it says so plainly and exits 2, as the contract
/// requires, rather than pretending. Each is replaced by its real command as the work lands.
/// </summary>
public static class NotBuiltCommand
{
    /// <summary>Creates a placeholder command that accepts any arguments and exits 2.</summary>
    public static Command Create(string name, string description)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(_ =>
        {
            Console.Error.WriteLine($"error: 'dyndet {name}' is not built yet in this version of DynDet");
            return CliRunner.BadInput;
        });
        return command;
    }
}
