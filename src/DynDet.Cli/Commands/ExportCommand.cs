using System.CommandLine;
using System.Text.Json;
using DynDet.Config;
using DynDet.Models.Detectors;
using DynDet.Torch;
using DynDet.Torch.Serialization;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet export --to torchvision CKPT OUT.pth [--json]</c> (CONTRACT.md): a torchvision-style preset's weights
/// under torchvision's state-dict names and layout, as <c>torch.save(model.state_dict(), OUT)</c> writes them, so
/// that torchvision's model of the same configuration loads them with <c>strict=True</c>.
/// </summary>
public static class ExportCommand
{
    /// <summary>The formats <c>--to</c> accepts.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["torchvision"];

    /// <summary>Creates the <c>export</c> command.</summary>
    public static Command Create()
    {
        var to = new Option<string>("--to")
        {
            Description = "Target format: torchvision.",
            Required = true,
            HelpName = "FORMAT",
        }.AcceptOnlyFromAmong([.. Formats]);
        var checkpoint = new Argument<string>("CKPT") { Description = "A checkpoint written by 'dyndet train'." };
        var output = new Argument<string>("OUT") { Description = "The .pth file to write." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the file written." };
        var command = new Command("export", "Write a checkpoint's weights in another framework's names (torchvision).")
        {
            to,
            checkpoint,
            output,
            json,
        };
        command.SetAction(parse => Run(parse.GetValue(checkpoint)!, parse.GetValue(output)!, parse.GetValue(json), Console.Out));
        return command;
    }

    /// <summary>Exports and prints what was written; returns the exit status.</summary>
    /// <exception cref="InputException">The checkpoint is missing or invalid, or its model has no torchvision twin.</exception>
    internal static int Run(string checkpointPath, string outputPath, bool json, TextWriter output)
    {
        using var detector = Detector.Load(checkpointPath);
        var model = detector.Model;
        if (model.Config.Model.Style != ImplementationStyle.Torchvision)
        {
            throw new InputException(
                $"{checkpointPath}: a {model.Config.Model.Type} in MMDetection's style has no torchvision twin (export --to torchvision " +
                "needs a model trained from a torchvision-style preset such as retinanet_r50 or fasterrcnn_r18)");
        }

        using var scope = Engine.NewDisposeScope();
        var weights = DetectorWeights.ToTorchVision(model);
        TorchSerializer.SaveStateDict(outputPath, weights);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { file = outputPath, format = "torchvision", tensors = weights.Count }));
        }
        else
        {
            output.WriteLine($"export: wrote {weights.Count} tensors under torchvision's names to {outputPath}");
        }

        return CliRunner.Ok;
    }
}
