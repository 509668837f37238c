using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Coco;
using DynDet.Data.Images;
using DynDet.Evaluation;
using DynDet.Training;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet eval --gt GT.json --dt DT.json [--json]</c>: COCO box evaluation of a result file against ground truth,
/// with the numbers of pycocotools' <c>COCO.loadRes</c> + <c>COCOeval(…, 'bbox')</c>; and
/// <c>dyndet eval --checkpoint CKPT --data SPEC [--out DT.json] [--json]</c>: runs a trained model over a dataset,
/// optionally writes the COCO result file, and evaluates it (CONTRACT.md); <c>--config NAME|FILE</c> instead of
/// <c>--checkpoint</c> evaluates the weights the config's <c>load_from</c> names (e.g. torchvision's), with the dataset's classes.
/// </summary>
/// <remarks>
/// Human-readable output: pycocotools' 12 summary lines, AP at IoU 0.60–0.90 and a table of AP per category (and,
/// for a model, VOC mAP@0.5 by the area and the VOC07 11-point methods). <c>--json</c>: one object with the keys of
/// CONTRACT.md (plus <c>voc_map</c> and <c>voc07_map</c> for a model). The two ways are exclusive.
/// </remarks>
public static class EvalCommand
{
    /// <summary>Creates the <c>eval</c> command.</summary>
    public static Command Create()
    {
        var gt = new Option<string>("--gt") { Description = "COCO annotation file with the ground truth.", HelpName = "GT.json" };
        var dt = new Option<string>("--dt")
        {
            Description = "COCO result file: a JSON list of {image_id, category_id, bbox [x,y,w,h], score}.",
            HelpName = "DT.json",
        };
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "A checkpoint written by 'dyndet train': evaluate this model on --data (instead of --gt/--dt).",
            HelpName = "CKPT",
        };
        var config = new Option<string>("--config")
        {
            Description = "Instead of --checkpoint: a preset or config file whose load_from names the weights (torchvision, MMDetection or DynDet).",
            HelpName = "NAME|FILE",
        };
        var data = new Option<string>("--data")
        {
            Description = "Dataset SPEC to evaluate the model on: a COCO JSON, a Pascal VOC root or synthetic[:KEY=VALUE,...].",
            HelpName = "SPEC",
        };
        var split = new Option<string?>("--split") { Description = "VOC split of --data (default val).", HelpName = "NAME" };
        var images = new Option<string?>("--images")
        {
            Description = "Folder of the images of a COCO JSON --data (default: beside the JSON).",
            HelpName = "DIR",
        };
        var output = new Option<string?>("--out") { Description = "Write the model's detections here as a COCO result file.", HelpName = "DT.json" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the report." };
        var command = new Command("eval", "COCO-style box evaluation of a result file (the numbers of pycocotools) or of a model on a dataset.")
        {
            gt,
            dt,
            checkpoint,
            config,
            data,
            split,
            images,
            output,
            json,
        };
        command.SetAction(parse =>
        {
            string? gtPath = parse.GetValue(gt), dtPath = parse.GetValue(dt);
            string? checkpointPath = parse.GetValue(checkpoint), spec = parse.GetValue(data), configName = parse.GetValue(config);
            string? splitName = parse.GetValue(split), imagesFolder = parse.GetValue(images), outPath = parse.GetValue(output);
            bool fileMode = gtPath is not null || dtPath is not null;
            bool modelMode = checkpointPath is not null || spec is not null || configName is not null;
            if (fileMode && modelMode)
            {
                return UsageError(
                    "--gt/--dt and --checkpoint/--data are exclusive: evaluate a result file (--gt GT.json --dt DT.json) "
                    + "or a model on a dataset (--checkpoint CKPT --data SPEC)");
            }

            if (!modelMode && (splitName is not null || imagesFolder is not null || outPath is not null))
            {
                return UsageError("--split, --images and --out go with --checkpoint CKPT --data SPEC (evaluating a model)");
            }

            if (modelMode)
            {
                if ((string.IsNullOrEmpty(checkpointPath) == string.IsNullOrEmpty(configName)) || string.IsNullOrEmpty(spec))
                {
                    return UsageError("dyndet eval --checkpoint CKPT needs --data SPEC, and --data SPEC needs --checkpoint CKPT "
                        + "or (instead) --config NAME|FILE with load_from");
                }

                using var cancellation = new ConsoleCancellation();
                return RunModel(new ModelEvalRequest(checkpointPath, spec, splitName, imagesFolder, outPath, configName), parse.GetValue(json),
                    Console.Out, Console.Error, cancellation.Token);
            }

            return Run(gtPath, dtPath, parse.GetValue(json), Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Evaluates and prints; returns the exit status.</summary>
    /// <exception cref="InputException">A file is missing or invalid.</exception>
    internal static int Run(string? gtPath, string? dtPath, bool json, TextWriter output, TextWriter errors)
    {
        if (string.IsNullOrEmpty(gtPath) || string.IsNullOrEmpty(dtPath))
        {
            errors.WriteLine(
                "error: dyndet eval needs --gt GT.json and --dt DT.json (a result file), or --checkpoint CKPT and --data SPEC "
                + "(a model) (see --help)");
            return CliRunner.BadInput;
        }

        // The two files are independent: read the ground truth on another core while this one reads the results.
        // A problem in the ground truth is reported first, as if the files were read one after the other.
        var reading = Task.Run(() => CocoJsonReader.ReadDataset(gtPath));
        CocoResults? results = null;
        InputException? resultsProblem = null;
        try
        {
            results = CocoJsonReader.ReadResults(dtPath);
        }
        catch (InputException e)
        {
            resultsProblem = e;
        }

        var groundTruth = reading.GetAwaiter().GetResult();
        foreach (string warning in groundTruth.Warnings)
        {
            errors.WriteLine($"warning: {warning}");
        }

        if (resultsProblem is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(resultsProblem).Throw();
        }

        var evaluation = CocoEvaluator.Evaluate(groundTruth, results!);
        NoteMaxDetsCut(evaluation, errors);
        if (json)
        {
            output.WriteLine(ToJson(evaluation));
        }
        else
        {
            output.Write(evaluation.FormatSummary());
        }

        return CliRunner.Ok;
    }

    /// <summary>
    /// Evaluates a checkpoint on a dataset and prints; returns the exit status. The dataset's categories must be the
    /// checkpoint's classes in the same order. A COCO JSON dataset is evaluated against the file's own annotations
    /// (as <c>--gt</c> with the written result file would be); other datasets against ground truth built from their
    /// records (<see cref="DatasetEvaluation"/>).
    /// </summary>
    /// <exception cref="InputException">A file is missing or invalid, or the classes differ.</exception>
    internal static int RunModel(ModelEvalRequest request, bool json, TextWriter output, TextWriter errors,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ResultFile is { } resultFile && Directory.Exists(resultFile))
        {
            throw new InputException($"--out {resultFile} is a folder; give the result file's name, e.g. {Path.Combine(resultFile, "dt.json")}");
        }

        // A checkpoint carries its config (and so the decoding options); a config's weights take the dataset's classes.
        DetectorConfig? config = request.Config is { } name ? ConfigLoader.Load(name) : null;
        using var checkpointDetector = config is null ? Detector.Load(request.Checkpoint!) : null;
        IDetectionDataset dataset = DatasetSpec.Open(request.DataSpec, request.Split, request.ImagesFolder, "val",
            ImageDecodeOptions.FromConfig(config?.Data ?? checkpointDetector!.Model.Config.Data));
        using var configDetector = config is null ? null : Detector.FromConfig(config, dataset.CategoryNames);
        var detector = checkpointDetector ?? configDetector!;
        CocoDataset groundTruth = DatasetEvaluation.ReferenceGroundTruth(dataset);
        foreach (string warning in groundTruth.Warnings)
        {
            errors.WriteLine($"warning: {warning}");
        }

        ClassNameCheck.EnsureSame(detector.ClassNames, request.Source, dataset.CategoryNames, request.DataSpec);
        var detections = DatasetInference.Run(detector.Model, dataset, showProgress: true, cancellation);
        CocoResults results = DatasetEvaluation.Results(groundTruth.Labels, detections);
        if (request.ResultFile is { } path)
        {
            CocoJsonWriter.WriteResults(results, path);
            errors.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: wrote {results.Count} detections to {path}"));
        }

        var report = DatasetEvaluation.Evaluate(dataset, detections, groundTruth, results);
        NoteMaxDetsCut(report.Coco, errors);
        if (json)
        {
            output.WriteLine(ToJson(report.Coco, [new("voc_map", report.VocArea.MeanAP), new("voc07_map", report.Voc11Point.MeanAP)]));
        }
        else
        {
            output.Write(report.Coco.FormatSummary());
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" VOC mAP @[ IoU=0.50 ] (area, all points) = {report.VocArea.MeanAP:0.0000}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" VOC mAP @[ IoU=0.50 ] (VOC07 11-point)    = {report.Voc11Point.MeanAP:0.0000}"));
        }

        return CliRunner.Ok;
    }

    /// <summary>The <c>--json</c> object of CONTRACT.md: the 16 numbers, then <c>per_class</c> by category name.</summary>
    public static string ToJson(CocoEvaluation evaluation) => ToJson(evaluation, []);

    /// <summary>The <c>--json</c> object of CONTRACT.md followed by <paramref name="extra"/> numbers (e.g. <c>voc_map</c>).</summary>
    public static string ToJson(CocoEvaluation evaluation, IReadOnlyList<KeyValuePair<string, double>> extra)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(extra);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (key, value) in evaluation.Metrics)
            {
                w.WriteNumber(key, value);
            }

            w.WriteStartObject("per_class");
            foreach (var (name, ap) in PerClassKeys(evaluation))
            {
                w.WriteNumber(name, ap);
            }

            w.WriteEndObject();
            foreach (var (key, value) in extra)
            {
                w.WriteNumber(key, value);
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void NoteMaxDetsCut(CocoEvaluation evaluation, TextWriter errors)
    {
        if (evaluation.DetectionsBeyondMaxDets > 0)
        {
            errors.WriteLine(
                $"note: {evaluation.DetectionsBeyondMaxDets} detections were not evaluated: their image already had 100 "
                + "higher-scoring detections of their category (pycocotools' maxDets=100 cut)");
        }
    }

    private static int UsageError(string message)
    {
        Console.Error.WriteLine($"error: {message} (see --help)");
        return CliRunner.BadInput;
    }

    /// <summary>Category names as keys; a name shared by several categories gets its id appended (<c>car#3</c>).</summary>
    private static List<(string Name, double AP)> PerClassKeys(CocoEvaluation evaluation)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in evaluation.PerClass)
        {
            counts[c.Name] = counts.GetValueOrDefault(c.Name) + 1;
        }

        var keys = new List<(string, double)>(evaluation.PerClass.Count);
        foreach (var c in evaluation.PerClass)
        {
            keys.Add((counts[c.Name] > 1 ? $"{c.Name}#{c.CategoryId}" : c.Name, c.AP));
        }

        return keys;
    }
}
