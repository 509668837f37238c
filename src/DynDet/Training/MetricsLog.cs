using System.Text.Json;
using System.Text.Json.Nodes;
using DynDet.Dynamic;
using DynDet.Evaluation;
using DynDet.Torch.Serialization;

namespace DynDet.Training;

/// <summary>
/// <c>metrics.json</c> of a run: the loss history (means over each log interval, of every term and of every level
/// of the per-level terms, with the learning rate and the dynamic values in effect; see <see cref="AddTraining"/>),
/// every update of every dynamic strategy, and every evaluation. Rewritten atomically each time something is
/// added, so a reader never sees half a file; on resume the earlier entries are read back and kept.
/// </summary>
public sealed class MetricsLog
{
    private readonly string _path;
    private readonly JsonObject _root;
    private readonly double _elapsedBefore;

    /// <summary>Opens (or, with <paramref name="resume"/>, continues) the log at <paramref name="path"/>.</summary>
    public MetricsLog(string path, string configName, IReadOnlyList<string> classNames, bool resume, long resumedAt)
    {
        _path = path;
        JsonObject? previous = resume && File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject : null;
        _root = new JsonObject
        {
            ["config"] = configName,
            ["classes"] = new JsonArray(classNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["train"] = Kept(previous, "train", resumedAt),
            ["dynamic"] = Kept(previous, "dynamic", resumedAt),
            ["eval"] = Kept(previous, "eval", resumedAt),
        };
        if (previous?["run"] is JsonObject run)
        {
            _root["run"] = run.DeepClone();
            _elapsedBefore = run["elapsed_seconds"] is JsonValue e && e.TryGetValue(out double seconds) ? seconds : 0;
        }
    }

    /// <summary>
    /// Records the run's machine and start (kept from the first session of a resumed run) as <c>run</c>:
    /// <c>{"machine", "started", "elapsed_seconds"}</c>.
    /// </summary>
    public void SetRunInfo(string machine, DateTimeOffset started)
    {
        ArgumentNullException.ThrowIfNull(machine);
        if (_root["run"] is JsonObject)
        {
            return;
        }

        _root["run"] = new JsonObject
        {
            ["machine"] = machine,
            ["started"] = started.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            ["elapsed_seconds"] = 0.0,
        };
    }

    /// <summary>Sets the run's wall time (this session's <paramref name="sessionSeconds"/> plus earlier sessions') and rewrites the file.</summary>
    public void SetElapsed(double sessionSeconds)
    {
        if (_root["run"] is JsonObject run)
        {
            run["elapsed_seconds"] = _elapsedBefore + sessionSeconds;
            Write();
        }
    }

    /// <summary>The file.</summary>
    public string Path => _path;

    /// <summary>
    /// Adds the means of one log interval: an entry of <c>train</c> with <c>iter</c>, <c>lr</c>, each loss term by
    /// name and <c>loss</c> (their sum), <c>levels</c> (below), the dynamic values in effect (e.g. <c>iou_threshold</c>,
    /// <c>beta</c>) and <c>sec_per_iter</c>.
    /// </summary>
    /// <param name="iteration">Iterations done.</param>
    /// <param name="learningRate">The learning rate of the last step.</param>
    /// <param name="losses">Term name (and <c>loss</c>) → its mean over the interval.</param>
    /// <param name="secondsPerIteration">Wall time per iteration over the interval.</param>
    /// <param name="dynamicValues">The dynamic strategies' current values by name.</param>
    /// <param name="levels">
    /// Per-level term (<c>loss_rpn_cls</c>, <c>loss_rpn_bbox</c>: the RPN's anchor levels P2–P6; <c>loss_cls</c>,
    /// <c>loss_bbox</c>: the levels P2–P5 the R-CNN head's RoIs were pooled from) → the interval's mean of each
    /// level, finest first; written as <c>"levels": {"loss_rpn_cls": [5 numbers], …}</c>, each list summing to
    /// its term's value up to float rounding. Null or empty (default): no <c>levels</c> key.
    /// </param>
    public void AddTraining(long iteration, double learningRate, IReadOnlyDictionary<string, double> losses,
        double secondsPerIteration, IReadOnlyDictionary<string, double> dynamicValues,
        IReadOnlyDictionary<string, IReadOnlyList<double>>? levels = null)
    {
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentNullException.ThrowIfNull(dynamicValues);
        var entry = new JsonObject { ["iter"] = iteration, ["lr"] = learningRate };
        foreach (var (k, v) in losses)
        {
            entry[k] = v;
        }

        if (levels is { Count: > 0 })
        {
            var perLevel = new JsonObject();
            foreach (var (k, v) in levels)
            {
                perLevel[k] = new JsonArray([.. v.Select(x => (JsonNode?)JsonValue.Create(x))]);
            }

            entry["levels"] = perLevel;
        }

        foreach (var (k, v) in dynamicValues)
        {
            entry[k] = v;
        }

        entry["sec_per_iter"] = secondsPerIteration;
        ((JsonArray)_root["train"]!).Add(entry);
        Write();
    }

    /// <summary>Adds one strategy update.</summary>
    public void AddUpdate(StrategyUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var entry = new JsonObject
        {
            ["iter"] = update.Iteration,
            ["strategy"] = update.Strategy,
            ["statistic"] = double.IsFinite(update.Statistic) ? update.Statistic : null,
            ["samples"] = update.Samples,
        };
        foreach (var (k, v) in update.Values)
        {
            entry[k] = v;
        }

        ((JsonArray)_root["dynamic"]!).Add(entry);
        Write();
    }

    /// <summary>Adds one evaluation.</summary>
    public void AddEvaluation(long iteration, EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var entry = new JsonObject { ["iter"] = iteration };
        foreach (var (k, v) in report.Coco.Metrics)
        {
            entry[k] = v;
        }

        entry["voc_map"] = report.VocArea.MeanAP;
        entry["voc07_map"] = report.Voc11Point.MeanAP;
        var perClass = new JsonObject();
        foreach (var c in report.Coco.PerClass)
        {
            perClass[c.Name] = c.AP;
        }

        entry["per_class"] = perClass;
        ((JsonArray)_root["eval"]!).Add(entry);
        Write();
    }

    private static JsonArray Kept(JsonObject? previous, string key, long resumedAt)
    {
        var kept = new JsonArray();
        if (previous?[key] is JsonArray entries)
        {
            foreach (var e in entries)
            {
                if (e?["iter"]?.GetValue<long>() <= resumedAt)
                {
                    kept.Add(e.DeepClone());
                }
            }
        }

        return kept;
    }

    // Atomic, so never half-written, but not fsynced: it is rewritten every log interval and each checkpoint
    // carries the iteration it can be trimmed back to (the constructor's resumedAt).
    private void Write() =>
        DurableFile.WriteAllText(_path, _root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), sync: false);
}
