using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DynDet.Config;
using DynDet.Data.Images;
using DynDet.Models.RoIHeads;
using DynDet.Visualization;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet predict --checkpoint CKPT IMAGE... [--out DIR] [--score-thr T] [--json]</c> (CONTRACT.md): detects objects
/// in images with a trained model, or with <c>--config NAME|FILE [--classes A,B,...]</c> instead of <c>--checkpoint</c> with
/// the whole-detector weights the config's <c>load_from</c> names (e.g. torchvision's, into a torchvision-style preset;
/// see <see cref="Detector.FromConfig"/>), and writes, per image, <c>DIR/&lt;name&gt;.json</c> (its detections in the image's
/// pixels, see <see cref="PredictionJson"/>) and <c>DIR/&lt;name&gt;.png</c> (the image with labelled boxes), where
/// <c>&lt;name&gt;</c> is the image's file name without its extension.
/// </summary>
/// <remarks>
/// Every image's header is read before the model is loaded, so a missing or non-image file is reported (one
/// <c>error:</c> line naming it, exit 2) before anything is written. Images are decoded and detected in batches of
/// the config's images per batch; each output file is written atomically, so a file that fails to decode mid-run
/// (e.g. truncated) leaves the earlier images' outputs complete and none of its own.
/// </remarks>
public static class PredictCommand
{
    /// <summary>Default of <c>--score-thr</c>: detections scoring below it are neither listed nor drawn.</summary>
    public const double DefaultScoreThreshold = 0.3;

    /// <summary>Default of <c>--out</c>.</summary>
    public const string DefaultOutputFolder = "predictions";

    /// <summary>Creates the <c>predict</c> command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "A checkpoint written by 'dyndet train'.",
            HelpName = "CKPT",
        };
        var config = new Option<string>("--config")
        {
            Description = "Instead of --checkpoint: a preset or config file whose load_from names the weights (torchvision, MMDetection or DynDet).",
            HelpName = "NAME|FILE",
        };
        var classes = new Option<string>("--classes")
        {
            Description = "With --config: the class names, comma-separated, by label (default: 0, 1, ... up to model.num_classes).",
            HelpName = "A,B,...",
        };
        var images = new Argument<string[]>("IMAGE")
        {
            Description = "JPEG or PNG files.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out")
        {
            Description = "Output folder for <name>.json and <name>.png per image.",
            HelpName = "DIR",
            DefaultValueFactory = _ => DefaultOutputFolder,
        };
        var scoreThreshold = new Option<double>("--score-thr")
        {
            Description = "Keep detections scoring at least T, in [0, 1].",
            HelpName = "T",
            DefaultValueFactory = _ => DefaultScoreThreshold,
        }.Within(0, 1);
        var json = new Option<bool>("--json") { Description = "Print one JSON object listing the files written." };
        var command = new Command("predict", "Detect objects in images: writes <name>.json (detections) and <name>.png (labelled boxes).")
        {
            checkpoint,
            config,
            classes,
            images,
            output,
            scoreThreshold,
            json,
        };
        command.SetAction(parse =>
        {
            string? checkpointPath = parse.GetValue(checkpoint), configName = parse.GetValue(config), classList = parse.GetValue(classes);
            if ((checkpointPath is null) == (configName is null))
            {
                Console.Error.WriteLine("error: dyndet predict needs --checkpoint CKPT or --config NAME|FILE (with load_from), not both (see --help)");
                return CliRunner.BadInput;
            }

            if (classList is not null && configName is null)
            {
                Console.Error.WriteLine("error: --classes goes with --config (a checkpoint carries its class names) (see --help)");
                return CliRunner.BadInput;
            }

            Func<Detector> open = checkpointPath is not null
                ? () => Detector.Load(checkpointPath)
                : () => FromConfig(configName!, classList);
            return Run(open, parse.GetValue(images) ?? [], parse.GetValue(output)!, parse.GetValue(scoreThreshold), parse.GetValue(json), Console.Out);
        });
        return command;
    }

    /// <summary>Detects, writes the outputs and prints what was written; returns the exit status.</summary>
    /// <exception cref="InputException">The checkpoint or an image is missing or invalid, or two images would write
    /// the same output files. (The <c>--score-thr</c> option's range is checked while parsing.)</exception>
    internal static int Run(Func<Detector> open, IReadOnlyList<string> imagePaths, string outputFolder, double scoreThreshold,
        bool json, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (imagePaths.Count == 0)
        {
            throw new InputException("no IMAGE given");
        }

        string[] names = OutputNames(imagePaths);
        foreach (string path in imagePaths)
        {
            // Reads the header only: a missing or non-image file fails here, before the model loads or anything is written.
            ImageCodec.ReadInfo(path);
        }

        using var detector = open();
        int batchSize = Math.Max(1, detector.Model.Config.Data.ImagesPerBatch);
        var decoding = ImageDecodeOptions.FromConfig(detector.Model.Config.Data);
        var written = new List<(string Image, string Json, string Png, int Count)>(imagePaths.Count);
        for (int start = 0; start < imagePaths.Count; start += batchSize)
        {
            int end = Math.Min(imagePaths.Count, start + batchSize);
            var batch = new List<RgbImage>(end - start);
            for (int i = start; i < end; i++)
            {
                batch.Add(ImageCodec.Load(imagePaths[i], decoding));
            }

            IReadOnlyList<ImageDetections> found = detector.Predict(batch);
            for (int k = 0; k < batch.Count; k++)
            {
                int i = start + k;
                ImageDetections kept = Kept(found[k], scoreThreshold);
                string pngPath = Path.Combine(outputFolder, names[i] + ".png");
                string jsonPath = Path.Combine(outputFolder, names[i] + ".json");
                RgbImage drawn = DetectionPainter.Draw(batch[k], kept, detector.ClassNames, scoreThreshold);
                AtomicFile.WriteAllBytes(pngPath, ImageCodec.Encode(drawn));
                AtomicFile.WriteAllBytes(jsonPath, PredictionJson.Serialize(imagePaths[i], batch[k].Width, batch[k].Height,
                    kept, detector.ClassNames));
                written.Add((imagePaths[i], jsonPath, pngPath, kept.Count));
                if (!json)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{imagePaths[i]}: {kept.Count} detections (score >= {scoreThreshold:0.###}) -> {jsonPath}, {pngPath}"));
                }
            }
        }

        if (json)
        {
            WriteSummary(output, outputFolder, scoreThreshold, written);
        }

        return CliRunner.Ok;
    }

    /// <summary>
    /// The detector of <c>--config</c>: the config's <c>load_from</c> weights, class names from <c>--classes</c> or numbered
    /// up to <c>model.num_classes</c>.
    /// </summary>
    /// <exception cref="InputException">A bad config, no class count, or weights that do not fit.</exception>
    internal static Detector FromConfig(string configName, string? classList)
    {
        var config = ConfigLoader.Load(configName);
        string[] names;
        if (classList is not null)
        {
            names = classList.Split(',', StringSplitOptions.TrimEntries);
            if (names.Any(n => n.Length == 0))
            {
                throw new InputException($"--classes {classList}: an empty class name");
            }
        }
        else if (config.Model.NumClasses is var count and > 0)
        {
            names = Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        else
        {
            throw new InputException($"config {config.Name}: give --classes A,B,... or set model.num_classes (the class count of the weights)");
        }

        return Detector.FromConfig(config, names);
    }

    /// <summary>The detections scoring at least <paramref name="threshold"/>, by decreasing score (ties keep their order).</summary>
    internal static ImageDetections Kept(ImageDetections detections, double threshold)
    {
        var order = Enumerable.Range(0, detections.Count)
            .Where(i => detections.Scores[i] >= threshold)
            .OrderByDescending(i => detections.Scores[i])
            .ToArray();
        var boxes = new float[4 * order.Length];
        var scores = new float[order.Length];
        var labels = new long[order.Length];
        for (int j = 0; j < order.Length; j++)
        {
            Array.Copy(detections.Boxes, 4 * order[j], boxes, 4 * j, 4);
            scores[j] = detections.Scores[order[j]];
            labels[j] = detections.Labels[order[j]];
        }

        return new ImageDetections(detections.ImageId, boxes, scores, labels);
    }

    /// <summary>Each image's output name (file name without extension); two images with the same name are an error.</summary>
    private static string[] OutputNames(IReadOnlyList<string> imagePaths)
    {
        var names = new string[imagePaths.Count];
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string name = Path.GetFileNameWithoutExtension(imagePaths[i]);
            if (name.Length == 0)
            {
                throw new InputException($"image {imagePaths[i]}: not a file name");
            }

            if (!seen.TryAdd(name, imagePaths[i]))
            {
                throw new InputException(
                    $"images {seen[name]} and {imagePaths[i]} would both write {name}.json and {name}.png; predict them in separate runs with different --out");
            }

            names[i] = name;
        }

        return names;
    }

    private static void WriteSummary(TextWriter output, string outputFolder, double scoreThreshold,
        List<(string Image, string Json, string Png, int Count)> written)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("out", outputFolder);
            w.WriteNumber("score_thr", scoreThreshold);
            w.WriteStartArray("images");
            foreach (var (image, jsonPath, pngPath, count) in written)
            {
                w.WriteStartObject();
                w.WriteString("image", image);
                w.WriteString("json", jsonPath);
                w.WriteString("png", pngPath);
                w.WriteNumber("detections", count);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
