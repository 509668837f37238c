using System.Text.Json;
using DynDet.Config;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Training;

namespace DynDet.Tests.Cli;

/// <summary><c>dyndet eval --checkpoint</c> and <c>dyndet predict</c> with checkpoints of the one-stage detectors.</summary>
public sealed class OneStageCliTests(TinyCheckpointFixture tiny) : TorchTest, IClassFixture<TinyCheckpointFixture>
{
    /// <summary>An untrained checkpoint of <paramref name="preset"/> with a small backbone, at 128 px.</summary>
    private string Checkpoint(string preset, string folder)
    {
        var config = ConfigLoader.Load(preset,
            ["model.backbone.width=0.25", "model.neck.out_channels=32", "data.train_scales=[[128,128]]", "data.test_scale=[128,128]",
                "data.workers=0"]);
        string path = Path.Combine(folder, preset + ".pth");
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(3);
        using var model = DetectorFactory.CreateModel(config, TinyCheckpointFixture.Classes);
        TrainingCheckpoint.Save(path, model, optimizer: null, iteration: 0);
        return path;
    }

    [Theory]
    [InlineData("retinanet_r18_cpu")]
    [InlineData("fcos_r18_cpu")]
    [InlineData("atss_r18_cpu")]
    public void Eval_of_a_one_stage_checkpoint_prints_the_contract_json(string preset)
    {
        string checkpoint = Checkpoint(preset, tiny.NewFolder());
        var run = CliCapture.Run("eval", "--checkpoint", checkpoint, "--data", tiny.Annotations, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var doc = JsonDocument.Parse(run.Output);
        Assert.InRange(doc.RootElement.GetProperty("AP50").GetDouble(), -1, 1);
        Assert.Equal(TinyCheckpointFixture.Classes, doc.RootElement.GetProperty("per_class").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("retinanet_r18_cpu")]
    [InlineData("fcos_r18_cpu")]
    [InlineData("atss_r18_cpu")]
    public void Predict_with_a_one_stage_checkpoint_writes_json_and_png_per_image(string preset)
    {
        string folder = tiny.NewFolder();
        string checkpoint = Checkpoint(preset, folder);
        string output = Path.Combine(folder, "out");
        var run = CliCapture.Run("predict", "--checkpoint", checkpoint, tiny.Images[0], "--out", output, "--score-thr", "0");
        Assert.True(run.ExitCode == 0, run.Error);
        string name = Path.GetFileNameWithoutExtension(tiny.Images[0]);
        Assert.True(File.Exists(Path.Combine(output, name + ".png")));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, name + ".json")));
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
    }
}
