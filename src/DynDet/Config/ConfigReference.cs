using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DynDet.Config;

/// <summary>
/// The config reference (<c>docs/config-reference.md</c>), generated from the typed config records themselves: every
/// key of <see cref="ConfigValidator.Keys"/> by section, with its type, the record's default, its range or choices and
/// its XML documentation (read from <c>DynDet.xml</c> beside the assembly), so that the reference cannot drift from
/// the code (a test compares the file with this output). <c>dyndet config reference</c> writes it.
/// </summary>
public static partial class ConfigReference
{
    /// <summary>The reference as Markdown.</summary>
    /// <exception cref="InvalidOperationException">The XML documentation file is missing beside the assembly.</exception>
    public static string Markdown()
    {
        var docs = LoadDocs();
        var text = new StringBuilder();
        text.AppendLine("# Config reference");
        text.AppendLine();
        text.AppendLine("Generated from DynDet's typed config records by `./dyndet config reference --out docs/config-reference.md`;");
        text.AppendLine("a test fails when this file is stale. Every key can be set in a config file (JSON, dotted keys as nested");
        text.AppendLine("objects, `_base_` naming a preset or file to start from) or on the command line as `KEY=VALUE`");
        text.AppendLine("(`dyndet train --config NAME … train.lr=0.01`). `dyndet config show NAME [KEY=VALUE…]` prints a resolved");
        text.AppendLine("config. Defaults are the records' own; a preset sets many of them (see `src/DynDet/Config/Presets`).");
        text.AppendLine();
        text.Append("Presets: ").AppendJoin(", ", ConfigLoader.PresetNames.Select(n => $"`{n}`")).AppendLine(".");
        var sections = ConfigValidator.Keys
            .GroupBy(k => (Section: Section(k.Key), Record: k.Property.DeclaringType!))
            .ToList();
        foreach (var section in sections)
        {
            text.AppendLine();
            string name = section.Key.Section.Length == 0 ? "top level" : $"`{section.Key.Section}`";
            text.AppendLine(CultureInfo.InvariantCulture, $"## {name} ({section.Key.Record.Name}{ModelTypes(section.Key.Record)})");
            text.AppendLine();
            if (docs.TryGetValue("T:" + section.Key.Record.FullName, out var summary))
            {
                text.AppendLine(summary);
                text.AppendLine();
            }

            text.AppendLine("| key | type | default | allowed | description |");
            text.AppendLine("|---|---|---|---|---|");
            object? instance = Instance(section.Key.Record);
            foreach (var key in section)
            {
                string description = docs.GetValueOrDefault($"P:{key.Property.DeclaringType!.FullName}.{key.Property.Name}", "");
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{key.Key}` | {TypeName(key.Property.PropertyType)} | {Default(instance, key.Property)} | {Allowed(key)} | {Cell(description)} |");
            }
        }

        return text.ToString();
    }

    private static string Section(string key) => key.Contains('.', StringComparison.Ordinal) ? key[..key.LastIndexOf('.')] : "";

    private static string ModelTypes(Type record)
    {
        // A section that only some model types have says which (model.type …).
        var variants = typeof(ModelConfig).GetCustomAttributes<System.Text.Json.Serialization.JsonDerivedTypeAttribute>(inherit: false).ToList();
        var having = variants.Where(v => Contains(v.DerivedType, record)).Select(v => v.TypeDiscriminator?.ToString() ?? "").ToList();
        return having.Count == 0 || having.Count == variants.Count ? "" : $"; model.type {string.Join(", ", having)}";
    }

    private static bool Contains(Type section, Type record) =>
        section == record || ConfigValidator.PropertiesOf(section)
            .Select(p => ConfigValidator.ScalarOf(p.PropertyType))
            .Where(t => ConfigValidator.IsSection(t) && t != section)
            .Any(t => Contains(t, record));

    private static object? Instance(Type record)
    {
        if (record.IsAbstract || record.GetConstructor(Type.EmptyTypes) is null)
        {
            return null;
        }

        return Activator.CreateInstance(record);
    }

    private static string Default(object? instance, PropertyInfo property)
    {
        if (instance is null)
        {
            return "";
        }

        object? value = property.GetValue(instance);
        return value is null ? "null" : $"`{JsonSerializer.Serialize(value, property.PropertyType, ConfigLoader.JsonOptions)}`";
    }

    private static string Allowed(ConfigKey key)
    {
        if (key.Choice is { } choice)
        {
            return string.Join(", ", choice.Values.Select(v => $"`{JsonSerializer.Serialize(v, v.GetType(), ConfigLoader.JsonOptions)}`"));
        }

        if (key.ScalarType.IsEnum)
        {
            return string.Join(", ", Enum.GetValues(key.ScalarType).Cast<object>()
                .Select(v => $"`{JsonSerializer.Serialize(v, key.ScalarType, ConfigLoader.JsonOptions).Trim('"')}`"));
        }

        if (key.Range is { } range)
        {
            string low = range.MinExclusive ? "(" : "[";
            string high = range.MaxExclusive || double.IsPositiveInfinity(range.Max) ? ")" : "]";
            string max = double.IsPositiveInfinity(range.Max) ? "∞" : range.Max.ToString("G", CultureInfo.InvariantCulture);
            string entries = range.Entries > 0 ? $", {range.Entries} entries" : "";
            return $"{low}{range.Min.ToString("G", CultureInfo.InvariantCulture)}, {max}{high}{entries}";
        }

        return "";
    }

    private static string TypeName(Type type)
    {
        if (ConfigValidator.ListElement(type) is Type element)
        {
            return "list of " + TypeName(element);
        }

        var inner = Nullable.GetUnderlyingType(type);
        string name = (inner ?? type) switch
        {
            var t when t == typeof(int) || t == typeof(long) => "integer",
            var t when t == typeof(double) || t == typeof(float) => "number",
            var t when t == typeof(bool) => "boolean",
            var t when t == typeof(string) => "string",
            var t when t.IsEnum => "choice",
            var t => t.Name,
        };
        return inner is null ? name : name + " or null";
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static Dictionary<string, string> LoadDocs()
    {
        string path = Path.ChangeExtension(typeof(DetectorConfig).Assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path}: DynDet's XML documentation is missing (build the project)");
        }

        var members = XDocument.Load(path).Descendants("member");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (member.Attribute("name")?.Value is string name && member.Element("summary") is { } summary)
            {
                result[name] = Flatten(summary);
            }
        }

        return result;
    }

    // <c>x</c> → `x`, <see cref="P:A.B.C"/> → C, whitespace collapsed.
    private static string Flatten(XElement summary)
    {
        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
                XElement { Name.LocalName: "see" } see => see.Attribute("cref")?.Value is string cref
                    ? $"`{cref[(cref.LastIndexOf('.') + 1)..]}`"
                    : see.Attribute("langword")?.Value ?? see.Value,
                XElement e => e.Value,
                _ => "",
            });
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
