using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Training;
using DynDet.Visualization;

namespace DynDet.Demo;

/// <summary>
/// The main job: train the CPU Faster R-CNN preset and the same preset with Dynamic R-CNN (same data, seed and
/// schedule) on the built-in synthetic data, evaluate both, and write <c>runs/demo/</c> with both runs'
/// checkpoints and metrics, a few predicted images and <c>index.html</c> with the curves of loss, T and β.
/// </summary>
public sealed class DemoRunner(DemoOptions options)
{
    private readonly TextWriter _log = options.Log ?? Console.Error;

    /// <summary>Runs both trainings and writes the report.</summary>
    public DemoResult Run(CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        // Both configs are loaded (and so validated) before anything is written: a bad override must not wait
        // for the baseline's training to be found in the dynamic run's config.
        var baselineConfig = LoadConfig(options.BaselinePreset);
        var dynamicConfig = LoadConfig(options.DynamicPreset);
        Directory.CreateDirectory(options.OutputDirectory);
        options.Study?.WriteFiles(options.OutputDirectory);
        var baseline = Train("Faster R-CNN", options.BaselinePreset, baselineConfig, cancellation);
        var dynamic = Train("Dynamic R-CNN", options.DynamicPreset, dynamicConfig, cancellation);
        var updates = ReadUpdates(Path.Combine(dynamic.Directory, "metrics.json"));
        var previews = WritePreviews(baseline, dynamic);
        var result = new DemoResult(baseline, dynamic, updates, Path.Combine(options.OutputDirectory, "index.html"), clock.Elapsed, options.Study);
        File.WriteAllText(result.ReportPath, DemoReport.Html(result, previews));
        WriteSummary(result);
        return result;
    }

    private DetectorConfig LoadConfig(string preset)
    {
        // Overrides of Dynamic R-CNN's own settings concern the dynamic run only.
        var overrides = StudyOverrides().Concat(options.Overrides);
        return ConfigLoader.Load(preset, preset == options.DynamicPreset ? overrides : WithoutDynamicRcnnSettings(overrides));
    }

    /// <summary>
    /// <paramref name="overrides"/> without those of Dynamic R-CNN's own settings (<c>model.dynamic_rcnn.*</c>): on any
    /// other detector's config they would create the section and turn it into Dynamic R-CNN.
    /// </summary>
    public static IEnumerable<string> WithoutDynamicRcnnSettings(IEnumerable<string> overrides) =>
        overrides.Where(o => !o.StartsWith("model.dynamic_rcnn", StringComparison.Ordinal));

    // The study's data, schedule and files (a pretrained backbone, written into the output folder) and its first seed:
    // the demo's run is then one of the study's draws.
    private IEnumerable<string> StudyOverrides() => options.Study is { } study
        ? [.. study.OverridesIn(options.OutputDirectory), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"train.seed={study.Seeds[0]}")]
        : [];

    private DemoRun Train(string label, string preset, DetectorConfig config, CancellationToken cancellation)
    {
        var decoding = ImageDecodeOptions.FromConfig(config.Data);
        var train = DatasetSpec.Open(config.Data.Train ?? throw new InputException($"preset {preset} names no data.train"), images: decoding);
        var val = DatasetSpec.Open(config.Data.Val ?? throw new InputException($"preset {preset} names no data.val"), defaultSplit: "val",
            images: decoding);
        string directory = Path.Combine(options.OutputDirectory, preset);
        _log.WriteLine($"== {label}: {preset}");
        var result = new Trainer(new TrainerOptions
        {
            Config = config,
            TrainData = train,
            ValData = val,
            OutputDirectory = directory,
            Log = _log,
            ShowProgress = options.ShowProgress,
        }).Run(cancellation);
        if (result.Reason != TrainingStopReason.Completed || result.FinalEvaluation is null)
        {
            throw new OperationCanceledException($"the demo was interrupted during {preset}; its checkpoint is {result.Checkpoint}");
        }

        return new DemoRun(label, preset, directory, result, result.FinalEvaluation);
    }

    /// <summary>Dynamic R-CNN's values after each update: (iteration, T, β), joined by iteration.</summary>
    public static IReadOnlyList<(long Iteration, double Threshold, double Beta)> ReadUpdates(string metricsPath)
    {
        var root = JsonNode.Parse(File.ReadAllText(metricsPath))!;
        var byIteration = new SortedDictionary<long, (double T, double B)>();
        double t = double.NaN, b = double.NaN;
        foreach (var entry in root["dynamic"]!.AsArray())
        {
            long it = entry!["iter"]!.GetValue<long>();
            if (entry["iou_threshold"] is JsonNode threshold)
            {
                t = threshold.GetValue<double>();
            }

            if (entry["beta"] is JsonNode beta)
            {
                b = beta.GetValue<double>();
            }

            byIteration[it] = (t, b);
        }

        return byIteration.Select(p => (p.Key, p.Value.T, p.Value.B)).ToList();
    }

    private List<(string Image, string Baseline, string Dynamic)> WritePreviews(DemoRun baseline, DemoRun dynamic)
    {
        var previews = new List<(string, string, string)>();
        string folder = Path.Combine(options.OutputDirectory, "images");
        Directory.CreateDirectory(folder);
        var config = ConfigLoader.FromJson(File.ReadAllText(Path.Combine(baseline.Directory, "config.json")), baseline.Directory);
        var val = DatasetSpec.Open(config.Data.Val!, defaultSplit: "val", images: ImageDecodeOptions.FromConfig(config.Data));
        using var first = Detector.Load(baseline.Training.Checkpoint);
        using var second = Detector.Load(dynamic.Training.Checkpoint);
        for (int i = 0; i < Math.Min(options.PreviewImages, val.Count); i++)
        {
            var image = val.LoadImage(i);
            string name = $"val_{i:D3}";
            string input = Path.Combine(folder, $"{name}.png");
            ImageCodec.Save(image, input);
            string a = Path.Combine(folder, $"{name}_baseline.png");
            string b = Path.Combine(folder, $"{name}_dynamic.png");
            ImageCodec.Save(DetectionPainter.Draw(image, first.Predict(image, i), first.ClassNames, 0.5), a);
            ImageCodec.Save(DetectionPainter.Draw(image, second.Predict(image, i), second.ClassNames, 0.5), b);
            previews.Add((Relative(input), Relative(a), Relative(b)));
        }

        return previews;
    }

    private string Relative(string path) => Path.GetRelativePath(options.OutputDirectory, path).Replace('\\', '/');

    private void WriteSummary(DemoResult result)
    {
        var summary = new JsonObject
        {
            ["seconds"] = result.Elapsed.TotalSeconds,
            ["updates"] = new JsonArray(result.Updates.Select(u => (JsonNode)new JsonObject
            {
                ["iter"] = u.Iteration, ["iou_threshold"] = u.Threshold, ["beta"] = u.Beta,
            }).ToArray()),
        };
        foreach (var run in new[] { result.Baseline, result.Dynamic })
        {
            var metrics = new JsonObject
            {
                ["preset"] = run.Preset,
                ["iterations"] = run.Training.Iterations,
                ["train_seconds"] = run.Training.Elapsed.TotalSeconds,
                ["voc_map"] = run.Evaluation.VocArea.MeanAP,
            };
            foreach (var (k, v) in run.Evaluation.Coco.Metrics)
            {
                metrics[k] = v;
            }

            summary[run.Preset] = metrics;
        }

        File.WriteAllText(Path.Combine(options.OutputDirectory, "summary.json"),
            summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
