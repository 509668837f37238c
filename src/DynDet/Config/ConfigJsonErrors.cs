using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DynDet.Config;

/// <summary>
/// Turns System.Text.Json's complaints about a config tree into one line naming the dotted key as users write it:
/// <c>config train.lr: expected a number, got "fast"</c>, <c>config model.rpn.nms_iuo: unknown key (model.rpn has
/// anchor, assigner, …)</c>. The expected kind comes from the config records, the offending value from the tree.
/// </summary>
internal static class ConfigJsonErrors
{
    /// <summary>The one-line message for <paramref name="error"/>, raised while deserialising <paramref name="tree"/>.</summary>
    public static string Describe(JsonException error, JsonObject tree)
    {
        var segments = Segments(error.Path ?? "$");
        string key = Dotted(segments);
        if (error.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            // System.Text.Json's path ends with the unknown property itself.
            string parent = Dotted(segments.Take(segments.Count - 1).ToList());
            Type? section = TypeAt(segments.Take(segments.Count - 1).ToList(), tree);
            string known = section is null || !ConfigValidator.IsSection(section)
                ? string.Empty
                : $" ({(parent.Length == 0 ? "the top level" : parent)} has {string.Join(", ", ConfigValidator.PropertiesOf(section).Select(ConfigValidator.JsonName))})";
            return $"config {key}: unknown key{known}";
        }

        Type? type = TypeAt(segments, tree);
        JsonNode? node = NodeAt(tree, segments, out bool found);
        string got = !found ? string.Empty : node is null ? ", got null" : $", got {Shorten(node.ToJsonString())}";
        if (type is null)
        {
            return $"config {(key.Length == 0 ? "(top level)" : key)}: {error.Message.Split(". Path:", 2)[0]}";
        }

        return $"config {key}: expected {Expected(type)}{got}";
    }

    private static string Expected(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is Type inner)
        {
            return Expected(inner) + " or null";
        }

        if (ConfigValidator.ListElement(type) is Type element)
        {
            return $"a list of {Plural(element)}";
        }

        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
        }

        return type == typeof(int) || type == typeof(long) ? "an integer"
            : type == typeof(double) || type == typeof(float) ? "a number"
            : type == typeof(bool) ? "true or false"
            : type == typeof(string) ? "a string"
            : ConfigValidator.IsSection(type) ? "an object of keys"
            : type.Name;
    }

    private static string Plural(Type type) =>
        ConfigValidator.ListElement(type) is not null ? "lists"
        : ScalarOrNull(type) == typeof(int) || ScalarOrNull(type) == typeof(long) ? "integers"
        : ScalarOrNull(type) == typeof(double) ? "numbers"
        : "values";

    private static Type ScalarOrNull(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    /// <summary>The declared type at a path of the config (property names and list indexes), or null when there is none.</summary>
    private static Type? TypeAt(IReadOnlyList<object> segments, JsonObject tree)
    {
        Type type = typeof(DetectorConfig);
        JsonNode? node = tree;
        foreach (object segment in segments)
        {
            if (segment is int)
            {
                if (ConfigValidator.ListElement(type) is not Type element)
                {
                    return null;
                }

                type = element;
                node = node is JsonArray array && (int)segment < array.Count ? array[(int)segment] : null;
                continue;
            }

            if (!ConfigValidator.IsSection(type) ||
                ConfigValidator.PropertiesOf(type).FirstOrDefault(p => ConfigValidator.JsonName(p) == (string)segment) is not { } property)
            {
                return null;
            }

            type = property.PropertyType;
            node = node is JsonObject o ? o[(string)segment] : null;
            // A polymorphic section (the model) has the keys of the type its "type" key names.
            if (ConfigValidator.VariantsOf(type).Count > 1)
            {
                type = node is JsonObject section && section[ModelConfig.TypeKey] is JsonValue v && v.TryGetValue(out string? name)
                    && ModelConfig.Types.TryGetValue(name, out var concrete) ? concrete : type;
            }
        }

        return type;
    }

    private static JsonNode? NodeAt(JsonNode? node, IReadOnlyList<object> segments, out bool found)
    {
        foreach (object segment in segments)
        {
            switch (segment, node)
            {
                case (string name, JsonObject o) when o.TryGetPropertyValue(name, out JsonNode? child):
                    node = child;
                    break;
                case (int index, JsonArray a) when index < a.Count:
                    node = a[index];
                    break;
                default:
                    found = false;
                    return null;
            }
        }

        found = true;
        return node;
    }

    /// <summary>Splits a JSONPath such as <c>$.data.train_scales[0][1]</c> or <c>$['odd key']</c> into names and indexes.</summary>
    private static List<object> Segments(string path)
    {
        var segments = new List<object>();
        int i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                segments.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                segments.Add(path[(i + 2)..end]);
                i = Math.Min(path.Length, end + 2);
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i + 1);
                end = end < 0 ? path.Length : end;
                segments.Add(int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                    ? index
                    : path[(i + 1)..end]);
                i = Math.Min(path.Length, end + 1);
            }
            else
            {
                int end = path.IndexOfAny(['.', '['], i);
                end = end < 0 ? path.Length : end;
                segments.Add(path[i..end]);
                i = end;
            }
        }

        return segments;
    }

    private static string Dotted(IReadOnlyList<object> segments)
    {
        var text = new System.Text.StringBuilder();
        foreach (object segment in segments)
        {
            if (segment is int index)
            {
                text.Append(CultureInfo.InvariantCulture, $"[{index}]");
            }
            else
            {
                text.Append(text.Length == 0 ? string.Empty : ".").Append((string)segment);
            }
        }

        return text.ToString();
    }

    private static string Shorten(string json) => json.Length <= 60 ? json : json[..57] + "...";
}
