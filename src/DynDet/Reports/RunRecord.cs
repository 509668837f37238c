using System.Text.Json.Nodes;
using DynDet.Data;

namespace DynDet.Reports;

/// <summary>
/// A run folder read back for its report: the resolved <c>config.json</c>, <c>metrics.json</c> and the gallery images
/// the last evaluation drew (<c>gallery/*.png</c>).
/// </summary>
public sealed class RunRecord
{
    /// <summary>The folder of the run's gallery images, under the run folder.</summary>
    public const string GalleryFolder = "gallery";

    private RunRecord(string directory, string configJson, JsonObject metrics, IReadOnlyList<string> gallery)
    {
        Directory = directory;
        ConfigJson = configJson;
        Metrics = metrics;
        Gallery = gallery;
    }

    /// <summary>The run folder.</summary>
    public string Directory { get; }

    /// <summary>The run's name: its folder's name.</summary>
    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Directory)));

    /// <summary>The resolved config as the run wrote it (empty when the file is missing).</summary>
    public string ConfigJson { get; }

    /// <summary>The run's <c>metrics.json</c>.</summary>
    public JsonObject Metrics { get; }

    /// <summary>The gallery images (PNG paths), in name order.</summary>
    public IReadOnlyList<string> Gallery { get; }

    /// <summary>The config's name as <c>metrics.json</c> records it.</summary>
    public string ConfigName => Metrics["config"]?.GetValue<string>() ?? Name;

    /// <summary>Reads a run folder; a folder without a readable <c>metrics.json</c> gives an <see cref="InputException"/>.</summary>
    public static RunRecord Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string metricsPath = Path.Combine(directory, "metrics.json");
        if (!File.Exists(metricsPath))
        {
            throw new InputException($"{directory}: not a run folder (no metrics.json)");
        }

        JsonObject metrics;
        try
        {
            metrics = JsonNode.Parse(File.ReadAllText(metricsPath)) as JsonObject
                ?? throw new InputException($"{metricsPath}: not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InputException($"{metricsPath}: invalid JSON ({e.Message})");
        }

        string configPath = Path.Combine(directory, "config.json");
        string config = File.Exists(configPath) ? File.ReadAllText(configPath) : "";
        string galleryPath = Path.Combine(directory, GalleryFolder);
        var gallery = System.IO.Directory.Exists(galleryPath)
            ? System.IO.Directory.GetFiles(galleryPath, "*.png").Order(StringComparer.Ordinal).ToList()
            : [];
        return new RunRecord(directory, config, metrics, gallery);
    }
}
