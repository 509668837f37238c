using System.Text.Json.Nodes;
using DynDet.Config;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>FCOS through the trainer: it learns from scratch, resumes exactly, and its checkpoint loads for inference.</summary>
public sealed class FcosTrainingTests : TorchTest
{
    private static readonly string[] Tiny =
    [
        "model.backbone.width=0.25", "model.neck.out_channels=32", "model.bbox_head.feat_channels=32",
        "data.train_scales=[[128,128]]", "data.test_scale=[128,128]", "train.warmup_iters=50", "train.lr=0.01",
        "train.log_interval=20",
    ];

    [Fact]
    public void Fcos_trained_a_few_hundred_iterations_from_scratch_lowers_its_loss_and_reaches_an_ap50_floor()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            var config = ConfigLoader.Load("fcos_r18_cpu", [.. Tiny, "train.max_iters=300", "train.steps=[240]"]);
            var result = new Trainer(TinyTraining.Options(config, output, withValidation: true)).Run();
            Assert.Equal(TrainingStopReason.Completed, result.Reason);
            var train = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!["train"]!.AsArray();
            double first = train[0]!["loss"]!.GetValue<double>();
            double last = train.Skip(train.Count - 3).Average(e => e!["loss"]!.GetValue<double>());
            Assert.True(last < 0.8 * first, $"loss went from {first:F3} to {last:F3}");
            foreach (string term in new[] { "loss_cls", "loss_bbox", "loss_centerness" })
            {
                Assert.NotNull(train[^1]!["levels"]![term]);
            }

            Assert.True(result.FinalEvaluation!.Coco.AP50 > Ap50Floor, $"AP50 {result.FinalEvaluation.Coco.AP50:F3}");

            using var detector = Detector.Load(Path.Combine(output, TrainingCheckpoint.LatestFile));
            Assert.IsType<SingleStageDetector>(detector.Model);
            Assert.Equal("fcos", detector.Model.Config.Model.Type);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Fcos_resumed_after_three_iterations_has_the_weights_of_an_uninterrupted_six()
    {
        string straight = TinyTraining.TemporaryFolder();
        string split = TinyTraining.TemporaryFolder();
        try
        {
            string[] common = [.. Tiny, "train.warmup_iters=2", "train.steps=[4]"];
            new Trainer(TinyTraining.Options(ConfigLoader.Load("fcos_r18_cpu", [.. common, "train.max_iters=6"]), straight)).Run();
            new Trainer(TinyTraining.Options(ConfigLoader.Load("fcos_r18_cpu", [.. common, "train.max_iters=3"]), split)).Run();
            var resumed = new Trainer(TinyTraining.Options(ConfigLoader.Load("fcos_r18_cpu", [.. common, "train.max_iters=6"]), split,
                resume: true)).Run();
            Assert.Equal(6, resumed.Iterations);
            using var a = TorchSerializer.Load(Path.Combine(straight, TrainingCheckpoint.LatestFile));
            using var b = TorchSerializer.Load(Path.Combine(split, TrainingCheckpoint.LatestFile));
            var sa = a.GetStateDict("state_dict");
            var sb = b.GetStateDict("state_dict");
            Assert.Equal(sa.Keys, sb.Keys);
            Assert.Contains("bbox_head.scales.0.scale", sa.Keys);
            Assert.Contains("bbox_head.cls_convs.0.gn.weight", sa.Keys);
            foreach (var key in sa.Keys)
            {
                Assert.True(sa[key].Equal(sb[key]), $"{key} differs after resume");
            }
        }
        finally
        {
            Directory.Delete(straight, recursive: true);
            Directory.Delete(split, recursive: true);
        }
    }

    // Measured on the development machine (2 shared cores, 2026-12-04): this run reaches AP50 0.123 (AP 0.035) and its
    // loss goes from 4.75 (mean of the first 20 iterations) to 1.75; the floor leaves room for other machines.
    private const double Ap50Floor = 0.05;
}
