using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Synthetic;
using DynDet.Data.Transforms;
using DynDet.Diagnostics;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet data</c>: dataset tools. <c>synth</c> writes the built-in synthetic dataset (images and a COCO
/// <c>instances.json</c>); <c>info</c> opens any dataset SPEC and prints its statistics; <c>bench</c> times the
/// loader (decode, resize, flip, normalise, pad, batch) on a dataset.
/// </summary>
public static class DataCommand
{
    /// <summary>Creates the command and its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("data", "Dataset tools: write the synthetic dataset, inspect a dataset, time the loader.");
        command.Subcommands.Add(CreateSynth());
        command.Subcommands.Add(CreateInfo());
        command.Subcommands.Add(CreateBench());
        return command;
    }

    private static Command CreateSynth()
    {
        var output = new Option<string>("--out")
        {
            Description = "Output folder: images/ and instances.json are written there.",
            Required = true,
        };
        var images = new Option<int?>("--images") { Description = "Number of images, >= 1 (default 1000)." }.Within(1);
        var seed = new Option<ulong?>("--seed") { Description = "Seed, >= 0 (default 0); the same seed gives the same data." };
        var size = new Option<int?>("--size") { Description = "Image width and height in pixels, in [32, 4096] (default 320)." }.Within(32, 4096);
        var options = new Option<string?>("--options")
        {
            Description = "More generator options as KEY=VALUE,... (" + string.Join(", ", SyntheticOptions.Keys) + ").",
        };
        var format = new Option<string>("--format")
        {
            Description = "Image format: png (lossless, default) or jpg.",
            DefaultValueFactory = _ => "png",
        };
        format.AcceptOnlyFromAmong("png", "jpg");
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout instead of text." };

        var command = new Command("synth", "Write the built-in synthetic dataset: images plus a COCO instances.json.")
        {
            output, images, seed, size, options, format, json,
        };
        command.SetAction(parse =>
        {
            var settings = SyntheticOptions.Parse(parse.GetValue(options) ?? string.Empty);
            if (parse.GetValue(images) is { } n)
            {
                settings = settings with { Images = n };
            }

            if (parse.GetValue(seed) is { } s)
            {
                settings = settings with { Seed = s };
            }

            if (parse.GetValue(size) is { } px)
            {
                settings = settings with { Width = px, Height = px };
            }

            settings.Validate();
            string folder = parse.GetValue(output)!;
            var dataset = new SyntheticDataset(settings);
            var fileFormat = parse.GetValue(format) == "jpg" ? ImageFileFormat.Jpeg : ImageFileFormat.Png;
            bool asJson = parse.GetValue(json);
            string annotations;
            using (var progress = new ProgressReporter("synth", dataset.Count) { Unit = "img" })
            {
                annotations = SyntheticWriter.Write(dataset, folder, fileFormat, progress);
                progress.Complete(dataset.Count);
            }

            var stats = DatasetStatistics.Of(dataset);
            if (asJson)
            {
                WriteJson(new Dictionary<string, object>
                {
                    ["annotations"] = Path.GetFullPath(annotations),
                    ["images"] = stats.Images,
                    ["objects"] = stats.Objects,
                    ["small"] = stats.Small,
                    ["medium"] = stats.Medium,
                    ["large"] = stats.Large,
                    ["spec"] = settings.ToSpec(),
                });
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {stats.Images} images and {annotations}: {stats.Objects} objects " +
                    $"(small {stats.Small}, medium {stats.Medium}, large {stats.Large})"));
            }

            return CliRunner.Ok;
        });
        return command;
    }

    private static Command CreateInfo()
    {
        var spec = new Argument<string>("SPEC")
        {
            Description = "A COCO JSON, a Pascal VOC root or synthetic[:KEY=VALUE,...].",
        };
        var split = new Option<string?>("--split") { Description = "VOC split (default train)." };
        var imagesFolder = new Option<string?>("--images") { Description = "Folder of a COCO JSON's images (default: beside the JSON)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout instead of text." };
        var command = new Command("info", "Open a dataset and print its size, classes and object statistics.")
        {
            spec, split, imagesFolder, json,
        };
        command.SetAction(parse =>
        {
            IDetectionDataset dataset = DatasetSpec.Open(parse.GetValue(spec)!, parse.GetValue(split), parse.GetValue(imagesFolder));
            var stats = DatasetStatistics.Of(dataset);
            if (parse.GetValue(json))
            {
                var perClass = new Dictionary<string, int>();
                for (int k = 0; k < dataset.CategoryNames.Count; k++)
                {
                    perClass[dataset.CategoryNames[k]] = stats.PerClass[k];
                }

                WriteJson(new Dictionary<string, object>
                {
                    ["dataset"] = dataset.Description,
                    ["images"] = stats.Images,
                    ["empty_images"] = stats.EmptyImages,
                    ["objects"] = stats.Objects,
                    ["ignored"] = stats.Ignored,
                    ["small"] = stats.Small,
                    ["medium"] = stats.Medium,
                    ["large"] = stats.Large,
                    ["per_class"] = perClass,
                });
                return CliRunner.Ok;
            }

            Console.WriteLine(dataset.Description);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {stats.Images} images ({stats.EmptyImages} without targets), {stats.Objects} objects " +
                $"+ {stats.Ignored} ignored (crowd/difficult)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  sizes (COCO area ranges): small {stats.Small}, medium {stats.Medium}, large {stats.Large}"));
            for (int k = 0; k < dataset.CategoryNames.Count; k++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {k,3} {dataset.CategoryNames[k],-20} {stats.PerClass[k],7}"));
            }

            return CliRunner.Ok;
        });
        return command;
    }

    private static Command CreateBench()
    {
        var spec = new Argument<string>("SPEC") { Description = "A COCO JSON, a Pascal VOC root or synthetic[:KEY=VALUE,...]." };
        var split = new Option<string?>("--split") { Description = "VOC split (default train)." };
        var imagesFolder = new Option<string?>("--images") { Description = "Folder of a COCO JSON's images (default: beside the JSON)." };
        var scale = new Option<string>("--scale")
        {
            Description = "Resize scale LONG,SHORT, each in [1, 8192] (default 1333,800).",
            DefaultValueFactory = _ => "1333,800",
        };
        var batch = new Option<int>("--batch") { Description = "Images per batch, in [1, 1024] (default 2).", DefaultValueFactory = _ => 2 }.Within(1, 1024);
        var workers = new Option<int>("--workers") { Description = "Loader threads, in [0, 256] (default 2).", DefaultValueFactory = _ => 2 }.Within(0, 256);
        var batches = new Option<int>("--batches") { Description = "Batches to time, >= 1 (default 50).", DefaultValueFactory = _ => 50 }.Within(1);
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout instead of text." };
        var command = new Command("bench", "Time the data loader: images per second through decode, transforms and batching.")
        {
            spec, split, imagesFolder, scale, batch, workers, batches, json,
        };
        command.SetAction(parse =>
        {
            string scaleText = parse.GetValue(scale)!;
            string[] parts = scaleText.Split(',', 'x');
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int longEdge) ||
                !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int shortEdge) ||
                longEdge is < 1 or > 8192 || shortEdge is < 1 or > 8192)
            {
                throw new InputException($"--scale '{scaleText}': expected LONG,SHORT with each in [1, 8192], e.g. 1333,800");
            }

            IDetectionDataset dataset = DatasetSpec.Open(parse.GetValue(spec)!, parse.GetValue(split), parse.GetValue(imagesFolder));

            int batchSize = parse.GetValue(batch), threads = parse.GetValue(workers), count = parse.GetValue(batches);
            var loader = new DataLoader(dataset,
                new DetectionTransform(TransformOptions.Training(new ImageScale(longEdge, shortEdge))),
                new LoaderOptions { BatchSize = batchSize, Workers = threads, Prefetch = Math.Max(2, 2 * threads) });
            long images = 0, pixels = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            TimeSpan cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            TimeSpan firstBatch = TimeSpan.Zero;
            using (var progress = new ProgressReporter("load", count) { Unit = "batch" })
            using (BatchStream stream = loader.Open(0, count))
            {
                int taken = 0;
                while (stream.TryTake(out DetectionBatch? b))
                {
                    using (b)
                    {
                        if (taken == 0)
                        {
                            firstBatch = clock.Elapsed;
                        }

                        images += b.Count;
                        pixels += (long)b.Height * b.Width * b.Count;
                        progress.Report(++taken);
                    }
                }
            }

            double seconds = clock.Elapsed.TotalSeconds;
            // CPU time per image is what a busy machine inflates least; it bounds the rate on idle cores.
            double cpuMs = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalMilliseconds /
                Math.Max(1, images);
            // The first batch pays for thread start and JIT; the steady rate leaves it out.
            double steady = count > 1 ? (images - images / count) / Math.Max(1e-9, seconds - firstBatch.TotalSeconds) : images / seconds;
            if (parse.GetValue(json))
            {
                WriteJson(new Dictionary<string, object>
                {
                    ["dataset"] = dataset.Description,
                    ["images"] = images,
                    ["seconds"] = Math.Round(seconds, 3),
                    ["images_per_second"] = Math.Round(steady, 2),
                    ["batch"] = batchSize,
                    ["workers"] = threads,
                    ["scale"] = new[] { longEdge, shortEdge },
                    ["mean_padded_pixels"] = images == 0 ? 0 : pixels / images,
                    ["cpu_ms_per_image"] = Math.Round(cpuMs, 2),
                });
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{images} images in {seconds:F2} s: {steady:F1} images/s after the first batch, {cpuMs:F1} ms CPU per image " +
                    $"(batch {batchSize}, {threads} workers, scale {longEdge},{shortEdge}, {Environment.ProcessorCount} cores)"));
            }

            return CliRunner.Ok;
        });
        return command;
    }

    private static void WriteJson(Dictionary<string, object> values) =>
        Console.WriteLine(JsonSerializer.Serialize(values));
}
