using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DynDet.Comparison;

namespace DynDet.Demo;

/// <summary>
/// A finished seeded study, as committed in <c>results/KEY.json</c> and built into the assembly: the
/// <c>compare.json</c> that <c>dyndet compare</c> wrote, with a title, the command that made it and the one-line
/// finding added. The demos print it beside their own single-seed run, so a reader sees the seed spread the
/// study measured next to the one run they just made.
/// </summary>
/// <param name="Key">The file's name without <c>.json</c> (e.g. <c>dynamic-atss</c>).</param>
/// <param name="Title">What was compared, in a few words.</param>
/// <param name="Command">The <c>dyndet compare</c> command that made the study.</param>
/// <param name="Finding">What the numbers support, in one line.</param>
/// <param name="Seeds">The seeds every row ran with.</param>
/// <param name="Overrides">The overrides every row ran with (data, schedule).</param>
/// <param name="Result">The rows (named, with the spec each ran) and every seed's final metrics.</param>
public sealed record StudyRecord(string Key, string Title, string Command, string Finding, IReadOnlyList<int> Seeds,
    IReadOnlyList<string> Overrides, CompareResult Result)
{
    private const string ResourcePrefix = "DynDet.Studies.";

    /// <summary>The keys of the studies built in, in name order.</summary>
    public static IReadOnlyList<string> Keys =>
        [.. typeof(StudyRecord).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^".json".Length]).Order(StringComparer.Ordinal)];

    /// <summary>The built-in study <paramref name="key"/>, or null when there is none.</summary>
    public static StudyRecord? Find(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        using var stream = typeof(StudyRecord).Assembly.GetManifestResourceStream(ResourcePrefix + key + ".json");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return Parse(key, reader.ReadToEnd());
    }

    /// <summary>
    /// Reads a study file's text; a malformed one gives an <see cref="InputException"/> naming it. (The files are
    /// built in, so this guards against a bad edit, not a hostile file; a test reads every built-in study.)
    /// </summary>
    public static StudyRecord Parse(string key, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var root = JsonNode.Parse(json) as JsonObject ?? throw new InputException($"study {key}: not a JSON object");
            string Text(string name) => root[name]?.GetValue<string>() ?? throw new InputException($"study {key}: no '{name}'");
            var rows = new List<CompareRow>();
            var cells = new List<CompareCell>();
            foreach (var node in root["rows"]?.AsArray() ?? throw new InputException($"study {key}: no 'rows'"))
            {
                var row = node as JsonObject ?? throw new InputException($"study {key}: a row is not an object");
                string config = row["config"]!.GetValue<string>();
                var overrides = row["overrides"]?.AsArray().Select(o => o!.GetValue<string>()).ToList() ?? [];
                rows.Add(new CompareRow(row["label"]!.GetValue<string>(), config, overrides));
                foreach (var (seed, metrics) in row["seeds"]!.AsObject())
                {
                    cells.Add(new CompareCell(rows.Count - 1, int.Parse(seed, CultureInfo.InvariantCulture), "",
                        metrics!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<double>()), 0));
                }
            }

            if (rows.Count == 0)
            {
                throw new InputException($"study {key}: no rows");
            }

            return new StudyRecord(key, Text("title"), Text("command"), Text("finding"),
                [.. root["seeds"]!.AsArray().Select(s => s!.GetValue<int>())],
                [.. root["overrides"]?.AsArray().Select(o => o!.GetValue<string>()) ?? []],
                new CompareResult(rows, cells));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException($"study {key}: malformed ({e.Message})");
        }
    }

    /// <summary>The row whose spec is <paramref name="spec"/> (its index), or −1.</summary>
    public int RowOf(string spec) => Result.Rows.ToList().FindIndex(r => r.Spec == spec);
}
