using System.CommandLine;
using DynDet.Config;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet config show NAME|FILE [KEY=VALUE…]</c> (CONTRACT.md): prints the resolved config — the preset or file with
/// its <c>_base_</c> chain merged, the overrides applied and every default filled in — as the JSON a run writes to
/// <c>config.json</c> (and that <c>--config FILE</c> accepts back); <c>dyndet config reference [--out FILE]</c>: every key
/// with its type, default, range and documentation (<see cref="ConfigReference"/>).
/// </summary>
public static class ConfigCommand
{
    /// <summary>Creates the <c>config</c> command with its <c>show</c> subcommand.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("NAME|FILE") { Description = $"Preset name ({string.Join(", ", ConfigLoader.PresetNames)}) or a JSON config file." };
        var overrides = new Argument<string[]>("KEY=VALUE") { Description = "Config overrides by dotted path, e.g. train.lr=0.01.", Arity = ArgumentArity.ZeroOrMore };
        var show = new Command("show", "Print the resolved config as JSON.") { name, overrides };
        show.SetAction(parse => Show(parse.GetValue(name)!, parse.GetValue(overrides) ?? [], Console.Out));
        var output = new Option<string?>("--out") { Description = "Write the reference to this file instead of printing it.", HelpName = "FILE" };
        var reference = new Command("reference", "Print the reference of every config key (docs/config-reference.md).") { output };
        reference.SetAction(parse => Reference(parse.GetValue(output), Console.Out));
        return new Command("config", "Inspect configs.") { show, reference };
    }

    /// <summary>Prints or writes the config reference; returns the exit status.</summary>
    internal static int Reference(string? outputPath, TextWriter output)
    {
        string markdown = ConfigReference.Markdown();
        if (outputPath is null)
        {
            output.Write(markdown);
        }
        else
        {
            File.WriteAllText(outputPath, markdown);
            output.WriteLine($"wrote {outputPath}");
        }

        return CliRunner.Ok;
    }

    /// <summary>Prints the resolved config; returns the exit status.</summary>
    /// <exception cref="InputException">Unknown preset, unreadable file, or a bad key or value.</exception>
    internal static int Show(string nameOrFile, IReadOnlyList<string> overrides, TextWriter output)
    {
        var config = ConfigLoader.Load(nameOrFile, overrides);
        output.WriteLine(ConfigLoader.ToJson(config));
        return CliRunner.Ok;
    }
}
