using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Synthetic;
using DynDet.Diagnostics;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet data</c>: dataset tools. <c>synth</c> writes the built-in synthetic dataset (images and a COCO
/// <c>instances.json</c>); <c>info</c> opens any dataset SPEC and prints its statistics.
/// </summary>
public static class DataCommand
{
    /// <summary>Creates the command and its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("data", "Dataset tools: write the synthetic dataset, inspect a dataset.");
        command.Subcommands.Add(CreateSynth());
        command.Subcommands.Add(CreateInfo());
        return command;
    }

    private static Command CreateSynth()
    {
        var output = new Option<string>("--out")
        {
            Description = "Output folder: images/ and instances.json are written there.",
            Required = true,
        };
        var images = new Option<int?>("--images") { Description = "Number of images (default 1000)." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed (default 0); the same seed gives the same data." };
        var size = new Option<int?>("--size") { Description = "Image width and height in pixels (default 320)." };
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

    private static void WriteJson(Dictionary<string, object> values) =>
        Console.WriteLine(JsonSerializer.Serialize(values));
}
