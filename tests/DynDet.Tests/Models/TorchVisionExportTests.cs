using System.Diagnostics;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Tests.Training;
using DynDet.Torch;
using DynDet.Training;
using Xunit.Abstractions;

namespace DynDet.Tests.Models;

/// <summary>
/// <c>dyndet export --to torchvision</c> end to end: a DynDet checkpoint of each torchvision-style preset (its own random
/// weights, not torchvision's) is exported, loaded into torchvision's model with <c>strict=True</c> by
/// tests/fixtures/check_torchvision_export.py, and torchvision's whole model predicts on the fixture's image files what
/// DynDet predicts from the checkpoint.
/// </summary>
public sealed class TorchVisionExportTests(ITestOutputHelper output) : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];
    private static readonly string[] Images = ["exact", "resized"];

    /// <summary>
    /// A DynDet model of the preset with seeded random weights, spread as gen_tv_e2e.py spreads torchvision's (random
    /// frozen statistics, larger head weights, class biases that let some scores pass the test thresholds) so that
    /// there are detections to compare.
    /// </summary>
    private static DetectionModel SpreadModel(string kind)
    {
        Engine.ManualSeed(17);
        var model = DetectorFactory.CreateModel(TorchVisionEndToEndTests.Config(TorchVisionEndToEndTests.Preset(kind), null), Classes);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var state = model.StateDict().ToDictionary(e => e.Key, e => e.Value.Clone());
        foreach (var (name, value) in state)
        {
            if (name.EndsWith(".running_mean", StringComparison.Ordinal))
            {
                value.Normal_(0, 0.1);
            }
            else if (name.EndsWith(".running_var", StringComparison.Ordinal))
            {
                value.Uniform_(0.5, 1.5);
            }
            else if (name.StartsWith("bbox_head.", StringComparison.Ordinal))
            {
                // Classification branch: about unit gain per layer, so that class scores spread; box branch: smaller,
                // so that the deltas stay moderate (random ones blow boxes up to thousands of pixels before clipping).
                bool classification = name.Contains("cls", StringComparison.Ordinal);
                value.Add_(Tensor.Randn(value.Shape) * (classification ? 0.02 : 0.01));
            }
        }

        switch (kind)
        {
            case "fasterrcnn":
                state["roi_head.bbox_head.fc_cls.weight"].Normal_(0, 0.05);
                state["roi_head.bbox_head.fc_reg.weight"].Normal_(0, 0.02);
                state["roi_head.bbox_head.fc_cls.bias"].Narrow(0, Classes.Length, 1).Fill_(4.0); // DynDet's background is last
                state["rpn_head.rpn_conv.weight"].Normal_(0, 0.03);
                state["rpn_head.rpn_cls.weight"].Normal_(0, 0.05);
                state["rpn_head.rpn_reg.weight"].Normal_(0, 0.02);
                break;
            case "retinanet":
                state["bbox_head.retina_cls.bias"].Fill_(-4.5);
                break;
            default:
                state["bbox_head.conv_cls.bias"].Fill_(-3.3);
                state["bbox_head.conv_reg.bias"].Fill_(1.0);
                break;
        }

        model.LoadStateDict(state, strict: true, source: "spread");
        return model;
    }

    [Theory]
    [InlineData("fasterrcnn")]
    [InlineData("retinanet")]
    [InlineData("fcos")]
    public void An_exported_file_loads_into_torchvisions_model_with_strict_true_and_predicts_what_dyndet_predicts(string kind)
    {
        using var folder = new TempFolder();
        string checkpoint = folder.PathOf("model.pth");
        string exported = folder.PathOf("tv.pth");
        string predictions = folder.PathOf("tv_predictions.pack");
        using (var model = SpreadModel(kind))
        {
            TrainingCheckpoint.Save(checkpoint, model, null, 0);
        }

        var run = CliCapture.Run("export", "--to", "torchvision", checkpoint, exported);
        Assert.True(run.ExitCode == 0, run.Error);
        string[] images = [.. Images.Select(i => TestPaths.Fixture("tv_e2e", i + ".png"))];
        var python = Process.Start(new ProcessStartInfo("/usr/bin/python3",
            [Path.Combine(TestPaths.Repository, "tests", "fixtures", "check_torchvision_export.py"), exported, kind, predictions, .. images])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        string errors = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, errors);

        using var scope = Engine.NewDisposeScope();
        var torchvision = FixturePack.Load(predictions);
        using var detector = Detector.Load(checkpoint);
        for (int i = 0; i < images.Length; i++)
        {
            var match = DetectionMatch.Of(torchvision[$"{i}.boxes"], torchvision[$"{i}.scores"], torchvision[$"{i}.labels"],
                detector.Predict(images[i]), labelOffset: kind == "fasterrcnn" ? 1 : 0);
            output.WriteLine($"{kind} {Images[i]}: {match}");
            Assert.True(match.Expected >= 5, $"torchvision has detections to compare ({match})");
            Assert.Equal(match.Expected, match.Actual);
            Assert.Equal(0, match.Unmatched);
            Assert.True(match.MaxBoxDifference <= 1e-3 && match.MaxScoreDifference <= 1e-5, match.ToString());
        }
    }
}
