using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>
/// Loads a <see cref="DetectorConfig"/> from a named preset (<c>configs</c> built into DynDet) or a JSON file,
/// MMDetection-style: a file may name a <c>"_base_"</c> (preset name or relative path, or a list of them merged in
/// order) whose values it overrides key by key; then dotted <c>KEY=VALUE</c> overrides apply (VALUE is JSON when it parses as JSON,
/// else a string). Unknown keys are errors, so a typo cannot silently do nothing; then
/// <see cref="ConfigValidator"/> checks every key's range once. Every problem is an <see cref="InputException"/>
/// of one line naming the dotted key (<c>config train.log_interval: 0 is out of range (must be &gt;= 1)</c>).
/// </summary>
public static class ConfigLoader
{
    private const string PresetPrefix = "DynDet.Config.Presets.";
    private const string BaseKey = "_base_";

    /// <summary>JSON options of config files: snake_case keys and enum values, unknown keys refused.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Enum values by name only: a number would otherwise become an undefined member.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // "model": null would otherwise leave a section the code assumes is there.
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    /// <summary>Names of the built-in presets.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = typeof(ConfigLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(PresetPrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[PresetPrefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Loads <paramref name="nameOrPath"/> (a preset name or a JSON file) and applies <paramref name="overrides"/>.</summary>
    public static DetectorConfig Load(string nameOrPath, IEnumerable<string>? overrides = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        JsonObject tree = Resolve(nameOrPath, [], out string name);
        tree["name"] ??= name;
        foreach (string assignment in overrides ?? [])
        {
            ApplyOverride(tree, assignment);
        }

        return Deserialize(tree, source: null);
    }

    /// <summary>
    /// Parses a config from JSON text (no <c>_base_</c> resolution); used for configs stored in checkpoints and run
    /// folders. Validated as <see cref="Load"/> validates; messages start with <paramref name="source"/>.
    /// </summary>
    public static DetectorConfig FromJson(string json, string source)
    {
        JsonObject tree = ParseObject(json, source);
        return Deserialize(tree, source);
    }

    /// <summary>The config as indented JSON (what <see cref="FromJson"/> reads back).</summary>
    public static string ToJson(DetectorConfig config) => JsonSerializer.Serialize(config, JsonOptions);

    /// <summary>The config of <paramref name="tree"/>, validated; <paramref name="source"/> (when given) prefixes messages.</summary>
    private static DetectorConfig Deserialize(JsonObject tree, string? source)
    {
        try
        {
            if (tree["model"] is JsonObject model)
            {
                PutModelTypeFirst(model);
                ExpandBalancerShorthand(model);
            }

            var config = tree.Deserialize<DetectorConfig>(JsonOptions) ?? throw new InputException("config: empty");
            ConfigValidator.Validate(config);
            return config;
        }
        catch (JsonException e)
        {
            throw new InputException(Prefixed(source, ConfigJsonErrors.Describe(e, tree)), e);
        }
        catch (InputException e) when (source is not null)
        {
            throw new InputException(Prefixed(source, e.Message), e);
        }
    }

    /// <summary>
    /// Checks <c>model.type</c> (absent: <see cref="ModelConfig.DefaultType"/>) and moves it to the front of the model
    /// section, where System.Text.Json reads the type discriminator.
    /// </summary>
    private static void PutModelTypeFirst(JsonObject model)
    {
        JsonNode? node = model[ModelConfig.TypeKey];
        string type = ModelConfig.DefaultType;
        if (node is not null)
        {
            if (node is not JsonValue value || !value.TryGetValue(out string? named) || !ModelConfig.Types.ContainsKey(named))
            {
                string shown = node is JsonValue v && v.TryGetValue(out string? s) ? $"'{s}'" : node.ToJsonString();
                throw new InputException(
                    $"config model.type: {shown} is not one of {string.Join(", ", ModelConfig.Types.Keys.Select(k => $"'{k}'"))}");
            }

            type = named;
        }

        var rest = model.Where(p => p.Key != ModelConfig.TypeKey).Select(p => (p.Key, Value: p.Value)).ToList();
        model.Clear();
        model[ModelConfig.TypeKey] = type;
        foreach (var (key, value) in rest)
        {
            model[key] = value;
        }
    }

    /// <summary>
    /// A head section's <c>"balancer": "avw"</c> (or <c>"rlo"</c>) is <c>{"method": "avw"}</c> with every other key at
    /// its default, and <c>"none"</c> is null (off); any other string becomes a method that the enum refuses by name.
    /// </summary>
    private static void ExpandBalancerShorthand(JsonObject model)
    {
        foreach (var (_, section) in model.ToList())
        {
            if (section is JsonObject head && head[BalancerKey] is JsonValue value && value.TryGetValue(out string? method))
            {
                head[BalancerKey] = method == "none" ? null : new JsonObject { ["method"] = method };
            }
        }
    }

    private const string BalancerKey = "balancer";

    private static string Prefixed(string? source, string message) => source is null ? message : $"{source}: {message}";

    private static JsonObject Resolve(string nameOrPath, HashSet<string> seen, out string name)
    {
        string text;
        string? directory = null;
        if (File.Exists(nameOrPath))
        {
            string full = Path.GetFullPath(nameOrPath);
            text = File.ReadAllText(full);
            directory = Path.GetDirectoryName(full);
            name = Path.GetFileNameWithoutExtension(full);
        }
        else
        {
            using Stream? stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream(PresetPrefix + nameOrPath + ".json");
            if (stream is null)
            {
                throw new InputException(
                    $"config '{nameOrPath}' is neither a file nor a preset (presets: {string.Join(", ", PresetNames)})");
            }

            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
            name = nameOrPath;
        }

        if (!seen.Add(name))
        {
            throw new InputException($"config {name}: '_base_' chain loops back to itself");
        }

        // A file's parse errors name the file (its path as given), a preset's its name.
        JsonObject tree = ParseObject(text, directory is null ? name : nameOrPath);
        if (tree[BaseKey] is JsonNode baseNode)
        {
            // One base or a list of them (MMDetection's _base_ list): merged in order, later ones over earlier ones,
            // then this file over all of them.
            string[] baseNames = baseNode switch
            {
                JsonValue single when single.TryGetValue(out string? one) && one.Length > 0 => [one],
                JsonArray list when list.Count > 0 && list.All(e => e is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0) =>
                    list.Select(e => e!.GetValue<string>()).ToArray(),
                _ => throw new InputException(
                    $"config {name}: '_base_' must be a preset name or a file path (a string), or a non-empty list of them"),
            };
            tree.Remove(BaseKey);
            JsonObject? merged = null;
            foreach (string baseName in baseNames)
            {
                string candidate = directory is not null ? Path.Combine(directory, baseName) : baseName;
                // Each base resolves its own chain; a loop is a loop within one chain, a diamond is allowed.
                JsonObject baseTree = Resolve(File.Exists(candidate) ? candidate : baseName, [.. seen], out _);
                baseTree.Remove("name");
                if (merged is null)
                {
                    merged = baseTree;
                }
                else
                {
                    Merge(merged, baseTree);
                }
            }

            Merge(merged!, tree);
            return merged!;
        }

        return tree;
    }

    private static JsonObject ParseObject(string text, string source)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            }) as JsonObject ?? throw new InputException($"config {source}: the top level must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException($"config {source}: invalid JSON at line {e.LineNumber + 1}: {e.Message.Split('.')[0]}", e);
        }
    }

    /// <summary>Copies <paramref name="overlay"/> into <paramref name="target"/>: objects merge key by key; anything else replaces.</summary>
    private static void Merge(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private static void ApplyOverride(JsonObject tree, string assignment)
    {
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new InputException(assignment.StartsWith('-')
                ? $"override '{assignment}' is not KEY=VALUE (nor an option of this command; see --help)"
                : $"override '{assignment}' is not KEY=VALUE");
        }

        string[] path = assignment[..eq].Trim().Split('.');
        if (path.Any(string.IsNullOrWhiteSpace))
        {
            throw new InputException($"override '{assignment}': the key '{assignment[..eq]}' has an empty part (write e.g. train.lr=0.01)");
        }

        string raw = assignment[(eq + 1)..];
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            value = JsonValue.Create(raw);
        }

        JsonObject node = tree;
        for (int i = 0; i < path.Length - 1; i++)
        {
            if (node[path[i]] is not JsonObject next)
            {
                if (node[path[i]] is JsonValue or JsonArray)
                {
                    // Replacing a value by a section would hide the mistake behind a confusing type error.
                    throw new InputException(
                        $"override '{assignment}': {string.Join('.', path[..(i + 1)])} is a value, not a section of keys");
                }

                next = new JsonObject();
                node[path[i]] = next;
            }

            node = next;
        }

        node[path[^1]] = value;
    }

    /// <summary>Reads the text of a built-in preset (for <c>dyndet train --help</c> style listings and tests).</summary>
    internal static string PresetText(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(PresetPrefix + name + ".json")
            ?? throw new InputException($"no preset '{name}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
