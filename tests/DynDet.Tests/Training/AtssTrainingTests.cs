using System.Text.Json.Nodes;
using DynDet.Config;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>ATSS through the trainer: it learns from scratch, resumes exactly, and its checkpoint loads for inference.</summary>
public sealed class AtssTrainingTests : TorchTest
{
    private static readonly string[] Tiny =
    [
        "model.backbone.width=0.25", "model.neck.out_channels=32", "model.bbox_head.feat_channels=32",
        "model.bbox_head.norm_groups=8", "data.train_scales=[[128,128]]", "data.test_scale=[128,128]",
        "train.warmup_iters=50", "train.lr=0.01", "train.log_interval=20",
    ];

    [Fact]
    public void Atss_trained_a_few_hundred_iterations_from_scratch_lowers_its_loss_and_reaches_an_ap50_floor()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            var config = ConfigLoader.Load("atss_r18_cpu", [.. Tiny, "train.max_iters=300", "train.steps=[240]"]);
            var result = new Trainer(TinyTraining.Options(config, output, withValidation: true)).Run();
            Assert.Equal(TrainingStopReason.Completed, result.Reason);
            var train = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!["train"]!.AsArray();
            // The centerness BCE has soft targets, so it stays near its entropy (≈ 0.66 here): the classification term
            // carries the fall. Measured on the development machine: total 2.37 → 1.81, loss_cls 0.79 → 0.32, AP50 0.144.
            double First(string term) => train[0]![term]!.GetValue<double>();
            double Last(string term) => train.Skip(train.Count - 3).Average(e => e![term]!.GetValue<double>());
            Assert.True(Last("loss") < 0.85 * First("loss"), $"loss went from {First("loss"):F3} to {Last("loss"):F3}");
            Assert.True(Last("loss_cls") < 0.6 * First("loss_cls"), $"loss_cls went from {First("loss_cls"):F3} to {Last("loss_cls"):F3}");
            var levels = train[^1]!["levels"]!;
            Assert.NotNull(levels["loss_cls"]);
            Assert.NotNull(levels["loss_bbox"]);
            Assert.NotNull(levels["loss_centerness"]);
            Assert.True(result.FinalEvaluation!.Coco.AP50 > Ap50Floor, $"AP50 {result.FinalEvaluation.Coco.AP50:F3}");

            using var detector = Detector.Load(Path.Combine(output, TrainingCheckpoint.LatestFile));
            Assert.IsType<SingleStageDetector>(detector.Model);
            Assert.Equal("atss", detector.Model.Config.Model.Type);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Atss_resumed_after_three_iterations_has_the_weights_of_an_uninterrupted_six()
    {
        string straight = TinyTraining.TemporaryFolder();
        string split = TinyTraining.TemporaryFolder();
        try
        {
            string[] common = [.. Tiny, "train.warmup_iters=2", "train.steps=[4]"];
            new Trainer(TinyTraining.Options(ConfigLoader.Load("atss_r18_cpu", [.. common, "train.max_iters=6"]), straight)).Run();
            new Trainer(TinyTraining.Options(ConfigLoader.Load("atss_r18_cpu", [.. common, "train.max_iters=3"]), split)).Run();
            var resumed = new Trainer(TinyTraining.Options(ConfigLoader.Load("atss_r18_cpu", [.. common, "train.max_iters=6"]), split,
                resume: true)).Run();
            Assert.Equal(6, resumed.Iterations);
            using var a = TorchSerializer.Load(Path.Combine(straight, TrainingCheckpoint.LatestFile));
            using var b = TorchSerializer.Load(Path.Combine(split, TrainingCheckpoint.LatestFile));
            var sa = a.GetStateDict("state_dict");
            var sb = b.GetStateDict("state_dict");
            Assert.Equal(sa.Keys, sb.Keys);
            Assert.Contains("bbox_head.atss_centerness.weight", sa.Keys);
            Assert.Contains("bbox_head.scales.4.scale", sa.Keys);
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

    // Measured: AP50 0.144 after 300 iterations (deterministic on the development machine); the floor leaves room for
    // other BLAS builds.
    private const double Ap50Floor = 0.05;
}
