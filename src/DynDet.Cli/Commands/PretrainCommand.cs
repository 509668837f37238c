using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Pretraining;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet pretrain --config NAME [--train-data SPEC] [--val-data SPEC] [--out DIR] [--iters N] [--seed S]
/// [--crop-size S] [--lr X] [--json] [KEY=VALUE…]</c>: pretrains the config's backbone as a classifier of object crops
/// of its data (<see cref="BackbonePretrainer"/>) and writes <c>backbone.pth</c> and <c>pretrain.json</c>; train with
/// <c>model.backbone.weights=DIR/backbone.pth</c>.
/// </summary>
public static class PretrainCommand
{
    /// <summary>The summary file written beside the weights.</summary>
    public const string SummaryFile = "pretrain.json";

    /// <summary>Creates the <c>pretrain</c> command.</summary>
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Preset name or config file whose backbone (depth, width) and data are used.", Required = true, HelpName = "NAME|FILE" };
        var trainData = new Option<string?>("--train-data") { Description = "Dataset SPEC whose crops train the classifier (default: the config's data.train).", HelpName = "SPEC" };
        var valData = new Option<string?>("--val-data") { Description = "Dataset SPEC whose crops measure its accuracy (default: the config's data.val).", HelpName = "SPEC" };
        var output = new Option<string?>("--out") { Description = "Output folder (default runs/pretrain-<config name>).", HelpName = "DIR" };
        var iters = new Option<int>("--iters") { Description = "Steps, >= 1 (default 2000).", DefaultValueFactory = _ => 2000, HelpName = "N" }.Within(1);
        var seed = new Option<int>("--seed") { Description = "Seed of the initialisation and the crops, >= 0 (default 0).", HelpName = "S" }.Within(0);
        var cropSize = new Option<int>("--crop-size") { Description = "Side of the square crops in pixels, in [16, 512] (default 48).", DefaultValueFactory = _ => 48, HelpName = "S" }.Within(16, 512);
        var lr = new Option<double>("--lr") { Description = "Peak learning rate, > 0 (default 0.05; warm-up 100 steps, cosine decay).", DefaultValueFactory = _ => 0.05, HelpName = "X" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the result." };
        var overrides = new Argument<string[]>("KEY=VALUE") { Description = "Config overrides, e.g. model.backbone.width=0.5.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("pretrain", "Pretrain a config's backbone as a classifier of its data's object crops.")
        {
            config, trainData, valData, output, iters, seed, cropSize, lr, json, overrides,
        };
        command.SetAction(parse =>
        {
            var resolved = ConfigLoader.Load(parse.GetValue(config)!, parse.GetValue(overrides) ?? []);
            var decoding = ImageDecodeOptions.FromConfig(resolved.Data);
            string trainSpec = parse.GetValue(trainData) ?? resolved.Data.Train
                ?? throw new InputException("pretrain: no training data: give --train-data SPEC or set data.train in the config");
            string valSpec = parse.GetValue(valData) ?? resolved.Data.Val
                ?? throw new InputException("pretrain: no validation data: give --val-data SPEC or set data.val in the config");
            if (parse.GetValue(lr) is var rate && !(rate > 0))
            {
                throw new InputException("pretrain: --lr must be > 0");
            }

            if (resolved.Train.Threads > 0)
            {
                Engine.NumThreads = resolved.Train.Threads;
            }

            var options = new PretrainOptions
            {
                Backbone = resolved.Model.Backbone,
                Iterations = parse.GetValue(iters),
                Seed = (ulong)parse.GetValue(seed),
                CropSize = parse.GetValue(cropSize),
                LearningRate = rate,
            };
            var train = DatasetSpec.Open(trainSpec, null, null, "train", decoding);
            var val = DatasetSpec.Open(valSpec, null, null, "val", decoding);
            string outDir = parse.GetValue(output) ?? Path.Combine("runs", "pretrain-" + resolved.Name);
            return Run(options, train, val, outDir, parse.GetValue(json), Console.Out);
        });
        return command;
    }

    /// <summary>Runs the pretrainer, writes <see cref="SummaryFile"/> and prints the result; returns the exit status.</summary>
    internal static int Run(PretrainOptions options, IDetectionDataset train, IDetectionDataset val, string outDir, bool json, TextWriter output)
    {
        using var cancellation = new ConsoleCancellation();
        PretrainResult result;
        try
        {
            result = new BackbonePretrainer(options, Console.Error).Run(train, val, outDir, cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: pretraining stopped; nothing was written");
            return cancellation.ExitCode ?? ConsoleCancellation.InterruptExitCode;
        }
        catch (TrainingDivergedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return CliRunner.InternalError;
        }

        var summary = new Dictionary<string, object>
        {
            ["weights"] = result.WeightsPath,
            ["backbone"] = new Dictionary<string, object> { ["depth"] = options.Backbone.Depth, ["width"] = options.Backbone.Width },
            ["train_data"] = train.Description,
            ["val_data"] = val.Description,
            ["classes"] = result.Classes,
            ["iterations"] = result.Iterations,
            ["crop_size"] = options.CropSize,
            ["lr"] = options.LearningRate,
            ["seed"] = options.Seed,
            ["final_loss"] = Math.Round(result.FinalLoss, 4),
            ["train_accuracy"] = Math.Round(result.TrainAccuracy, 4),
            ["val_accuracy"] = Math.Round(result.ValAccuracy, 4),
            ["chance_accuracy"] = Math.Round(result.ChanceAccuracy, 4),
            ["seconds"] = Math.Round(result.Seconds, 1),
        };
        string text = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
        DurableFile.WriteAllText(Path.Combine(outDir, SummaryFile), text + "\n");
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(summary));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pretrained ResNet-{options.Backbone.Depth} (width {options.Backbone.Width}) on {options.CropSize} px crops, {result.Classes.Count} classes ({string.Join(", ", result.Classes)}), {result.Iterations} steps in {result.Seconds:F0} s"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"val accuracy {result.ValAccuracy:P1} (most frequent class {result.ChanceAccuracy:P1}); last-tenth train loss {result.FinalLoss:F3}, accuracy {result.TrainAccuracy:P1}"));
            output.WriteLine($"weights: {result.WeightsPath} — train with model.backbone.weights={result.WeightsPath}");
        }

        return CliRunner.Ok;
    }
}
