using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Comparison;

/// <summary>
/// Runs a comparison grid (rows × seeds, the same data and schedule for every cell) and writes its results. Resumable:
/// a cell whose <c>result.json</c> exists (with the same resolved config) is not rerun; a cell with a checkpoint but no
/// result continues from it (<c>--resume</c>); a changed row is refused rather than mixed with old results. Cancelling
/// stops after the running cell saved its checkpoint.
/// </summary>
public sealed class CompareRunner(ComparisonOptions options)
{
    /// <summary>The file a finished cell leaves in its folder.</summary>
    public const string ResultFile = "result.json";

    private readonly TextWriter _log = options.Log ?? Console.Error;

    /// <summary>Runs what is missing; null when cancelled, else the whole grid's result (also written to disk).</summary>
    public CompareResult? Run(CancellationToken cancellation = default)
    {
        if (options.Rows.Count == 0)
        {
            throw new InputException("compare needs at least one config");
        }

        if (options.Seeds.Count == 0 || options.Seeds.Distinct().Count() != options.Seeds.Count || options.Seeds.Any(s => s < 0))
        {
            throw new InputException($"compare --seeds {string.Join(",", options.Seeds)}: give distinct seeds >= 0, e.g. 1,2,3");
        }

        // Every cell's config is resolved (and so validated) before anything trains.
        var grid = new List<(int Row, int Seed, DetectorConfig Config, string Directory)>();
        for (int r = 0; r < options.Rows.Count; r++)
        {
            var row = options.Rows[r];
            foreach (int seed in options.Seeds)
            {
                var overrides = options.Overrides.Concat(row.Overrides).Append(string.Create(CultureInfo.InvariantCulture, $"train.seed={seed}"));
                var config = ConfigLoader.Load(row.Config, overrides);
                grid.Add((r, seed, config, Path.Combine(options.OutputDirectory, RowFolder(r, row), $"seed{seed}")));
            }
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var cells = new List<CompareCell>();
        // The grid's ETA is the mean time of the cells this session trained from the start (a resumed cell's time
        // says nothing about a whole cell's), times the cells left.
        var freshSeconds = new List<double>();
        for (int k = 0; k < grid.Count; k++)
        {
            var (r, seed, config, directory) = grid[k];
            string label = options.Rows[r].Label;
            if (ReadFinished(directory, config, r, seed) is { } done)
            {
                _log.WriteLine($"compare: cell {k + 1}/{grid.Count} ({label}, seed {seed}) finished earlier: {Format(done.Metrics)}");
                cells.Add(done);
                continue;
            }

            string eta = freshSeconds.Count == 0 ? "" : $", grid ETA {TimeSpan.FromSeconds(freshSeconds.Average() * (grid.Count - k)):h\\:mm\\:ss}";
            _log.WriteLine($"compare: cell {k + 1}/{grid.Count} ({label}, seed {seed}){eta}");
            bool fresh = !File.Exists(Path.Combine(directory, TrainingCheckpoint.LatestFile));
            var clock = Stopwatch.StartNew();
            var cell = RunCell(r, seed, config, directory, cancellation);
            if (cell is null)
            {
                _log.WriteLine($"compare: interrupted in cell {k + 1}/{grid.Count}; run the same command again to continue");
                return null;
            }

            if (fresh)
            {
                freshSeconds.Add(clock.Elapsed.TotalSeconds);
            }

            cells.Add(cell);
        }

        var result = new CompareResult(options.Rows, cells);
        WriteJson(result);
        ComparePage.Write(Path.Combine(options.OutputDirectory, "index.html"), result, options.Seeds);
        return result;
    }

    /// <summary>The folder of row <paramref name="index"/>: its index and a file-safe form of its label.</summary>
    public static string RowFolder(int index, CompareRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var safe = new StringBuilder();
        foreach (char c in row.Label)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        string name = safe.Length > 80 ? safe.ToString(0, 80) : safe.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{index:D2}_{name}");
    }

    private CompareCell? RunCell(int row, int seed, DetectorConfig config, string directory, CancellationToken cancellation)
    {
        var decoding = ImageDecodeOptions.FromConfig(config.Data);
        string trainSpec = options.TrainData ?? config.Data.Train
            ?? throw new InputException($"compare row '{options.Rows[row].Label}': no training data (give --train-data or data.train)");
        string valSpec = options.ValData ?? config.Data.Val
            ?? throw new InputException($"compare row '{options.Rows[row].Label}': no validation data (give --val-data or data.val)");
        bool resume = File.Exists(Path.Combine(directory, TrainingCheckpoint.LatestFile));
        var result = new Trainer(new TrainerOptions
        {
            Config = config,
            TrainData = DatasetSpec.Open(trainSpec, images: decoding),
            ValData = DatasetSpec.Open(valSpec, defaultSplit: "val", images: decoding),
            OutputDirectory = directory,
            Resume = resume,
            Log = _log,
            ShowProgress = options.ShowProgress,
        }).Run(cancellation);
        if (result.Reason != TrainingStopReason.Completed || result.FinalEvaluation is null)
        {
            return null;
        }

        var metrics = result.FinalEvaluation.Coco.Metrics.ToDictionary(p => p.Key, p => p.Value);
        metrics["voc_map"] = result.FinalEvaluation.VocArea.MeanAP;
        double seconds = ReadElapsed(directory);
        var file = new JsonObject
        {
            ["config_sha256"] = ConfigDigest(config),
            ["seed"] = seed,
            ["seconds"] = seconds,
            ["metrics"] = new JsonObject(metrics.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        string path = Path.Combine(directory, ResultFile);
        DurableFile.WriteAllText(path, file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new CompareCell(row, seed, directory, metrics, seconds);
    }

    private CompareCell? ReadFinished(string directory, DetectorConfig config, int row, int seed)
    {
        string path = Path.Combine(directory, ResultFile);
        if (!File.Exists(path))
        {
            return null;
        }

        JsonObject file;
        try
        {
            file = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InputException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: invalid JSON ({e.Message}); delete the file to rerun the cell");
        }

        if (file["config_sha256"]?.GetValue<string>() != ConfigDigest(config))
        {
            throw new InputException(
                $"{path}: this cell was run with another config than row '{options.Rows[row].Label}' now resolves to; use another --out, or delete {directory} to rerun it");
        }

        var metrics = (file["metrics"] as JsonObject ?? throw new InputException($"{path}: no metrics"))
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<double>());
        return new CompareCell(row, seed, directory, metrics, file["seconds"]?.GetValue<double>() ?? 0);
    }

    private static double ReadElapsed(string directory)
    {
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "metrics.json")));
        return metrics?["run"]?["elapsed_seconds"]?.GetValue<double>() ?? 0;
    }

    // The resolved config without its name: a cell is reused only for the same model, data settings, schedule and seed.
    private static string ConfigDigest(DetectorConfig config) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ConfigLoader.ToJson(config with { Name = "" }))));

    private void WriteJson(CompareResult result)
    {
        var rows = new JsonArray();
        for (int r = 0; r < result.Rows.Count; r++)
        {
            var row = result.Rows[r];
            var mean = new JsonObject();
            var std = new JsonObject();
            var diff = new JsonObject();
            var diffStd = new JsonObject();
            foreach (var metric in CompareResult.TableMetrics.Append("voc_map"))
            {
                var (m, s, _) = result.Summary(r, metric);
                mean[metric] = Finite(m);
                std[metric] = Finite(s);
                var (dm, ds, _) = result.Difference(r, metric);
                diff[metric] = Finite(dm);
                diffStd[metric] = Finite(ds);
            }

            var seeds = new JsonObject();
            foreach (var cell in result.Cells.Where(c => c.Row == r))
            {
                seeds[cell.Seed.ToString(CultureInfo.InvariantCulture)] = new JsonObject(
                    cell.Metrics.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
            }

            rows.Add(new JsonObject
            {
                ["label"] = row.Label,
                ["spec"] = row.Spec,
                ["config"] = row.Config,
                ["overrides"] = new JsonArray([.. row.Overrides.Select(o => (JsonNode?)JsonValue.Create(o))]),
                ["folder"] = RowFolder(r, row),
                ["seeds"] = seeds,
                ["mean"] = mean,
                ["std"] = std,
                ["diff_vs_baseline"] = diff,
                ["diff_std"] = diffStd,
            });
        }

        var root = new JsonObject
        {
            ["baseline"] = result.Rows[0].Label,
            ["seeds"] = new JsonArray([.. options.Seeds.Select(s => (JsonNode?)JsonValue.Create(s))]),
            ["overrides"] = new JsonArray([.. options.Overrides.Select(o => (JsonNode?)JsonValue.Create(o))]),
            ["rows"] = rows,
        };
        File.WriteAllText(Path.Combine(options.OutputDirectory, "compare.json"), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static string Format(IReadOnlyDictionary<string, double> metrics) =>
        string.Create(CultureInfo.InvariantCulture, $"AP {metrics.GetValueOrDefault("AP"):F3} AP50 {metrics.GetValueOrDefault("AP50"):F3}");
}
