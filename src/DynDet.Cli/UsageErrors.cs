using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace DynDet.Cli;

/// <summary>
/// The one line <see cref="CliRunner"/> prints for System.CommandLine's parse errors: the most specific error, with
/// .NET type names put in words and its line breaks (e.g. the list of allowed values) folded onto one line.
/// </summary>
public static partial class UsageErrors
{
    private const string MissingCommand = "Required command was not provided.";

    /// <summary>The message for <paramref name="errors"/> (at least one), without the <c>error:</c> prefix.</summary>
    public static string Describe(IReadOnlyList<ParseError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        // "dyndet nosuch" reports the missing command first; the unrecognised token says more.
        ParseError chosen = errors.FirstOrDefault(e => e.Message != MissingCommand) ?? errors[0];
        string message = Whitespace().Replace(chosen.Message, " ").Trim();
        var conversion = CannotParse().Match(message);
        if (conversion.Success)
        {
            message = $"{conversion.Groups["option"].Value} '{conversion.Groups["value"].Value}' is not {Kind(conversion.Groups["type"].Value)}";
        }

        return message;
    }

    private static string Kind(string typeName)
    {
        string name = NullableOf().Match(typeName) is { Success: true } m ? m.Groups[1].Value : typeName;
        return name switch
        {
            "System.Int32" or "System.Int64" => "an integer",
            "System.UInt32" or "System.UInt64" => "an integer >= 0",
            "System.Double" or "System.Single" => "a number",
            "System.Boolean" => "true or false",
            _ => $"a {name.Split('.')[^1]}",
        };
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^System\.Nullable`1\[(.+)\]$")]
    private static partial Regex NullableOf();
}
