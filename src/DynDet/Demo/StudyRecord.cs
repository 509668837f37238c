using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DynDet.Comparison;
using DynDet.Torch.Serialization;

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
/// <param name="Files">
/// The files the study's overrides name that are built in (committed under <c>results/</c>): the path as the
/// overrides give it → the built-in file's name (e.g. <c>runs/pretrain-r18/backbone.pth</c> →
/// <c>pretrain-r18/backbone.pth</c>). A demo writes them into its own folder and points the overrides there, so it runs
/// from any directory of a fresh clone. Empty for most studies.
/// </param>
public sealed record StudyRecord(string Key, string Title, string Command, string Finding, IReadOnlyList<int> Seeds,
    IReadOnlyList<string> Overrides, CompareResult Result, IReadOnlyDictionary<string, string> Files)
{
    private const string ResourcePrefix = "DynDet.Studies.";
    private const string FilePrefix = "DynDet.StudyFiles.";

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

            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (path, name) in root["files"]?.AsObject() ?? new JsonObject())
            {
                string builtIn = name!.GetValue<string>();
                if (!BuiltInFiles.ContainsKey(builtIn))
                {
                    throw new InputException($"study {key}: its file {path} names a built-in file '{builtIn}' that this build lacks");
                }

                files[path] = builtIn;
            }

            return new StudyRecord(key, Text("title"), Text("command"), Text("finding"),
                [.. root["seeds"]!.AsArray().Select(s => s!.GetValue<int>())],
                [.. root["overrides"]?.AsArray().Select(o => o!.GetValue<string>()) ?? []],
                new CompareResult(rows, cells), files);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException($"study {key}: malformed ({e.Message})");
        }
    }

    /// <summary>The row whose spec is <paramref name="spec"/> (its index), or −1.</summary>
    public int RowOf(string spec) => Result.Rows.ToList().FindIndex(r => r.Spec == spec);

    // The built-in study files (results/**/*.pth): name with '/' (e.g. pretrain-r18/backbone.pth) → manifest resource
    // name (MSBuild's RecursiveDir may give '\').
    private static readonly Dictionary<string, string> BuiltInFiles = typeof(StudyRecord).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(FilePrefix, StringComparison.Ordinal))
        .ToDictionary(n => n[FilePrefix.Length..].Replace('\\', '/'), StringComparer.Ordinal);

    /// <summary>
    /// The study's overrides as a run in <paramref name="folder"/> takes them: a value that is one of the study's
    /// <see cref="Files"/> becomes the full path of that file under <paramref name="folder"/>'s <c>study-files/</c>
    /// (where <see cref="WriteFiles"/> puts it); every other override as it is.
    /// </summary>
    public IReadOnlyList<string> OverridesIn(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return [.. Overrides.Select(o =>
        {
            int eq = o.IndexOf('=', StringComparison.Ordinal);
            return eq > 0 && Files.TryGetValue(o[(eq + 1)..], out string? name) ? o[..(eq + 1)] + FilePath(folder, name) : o;
        })];
    }

    /// <summary>Writes the study's built-in <see cref="Files"/> under <paramref name="folder"/>'s <c>study-files/</c>.</summary>
    public void WriteFiles(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        foreach (string name in Files.Values.Distinct())
        {
            using var source = typeof(StudyRecord).Assembly.GetManifestResourceStream(BuiltInFiles[name])!;
            // A copy of a built-in file is cheap to lose: atomic, without fsync.
            DurableFile.Write(FilePath(folder, name), source.CopyTo, sync: false);
        }
    }

    private static string FilePath(string folder, string name) =>
        Path.GetFullPath(Path.Combine(folder, "study-files", name.Replace('/', Path.DirectorySeparatorChar)));
}
