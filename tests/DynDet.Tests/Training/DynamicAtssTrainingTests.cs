using System.Text.Json.Nodes;
using DynDet.Config;
using DynDet.Dynamic;
using DynDet.Models.DenseHeads;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>
/// Dynamic ATSS through the trainer: the CPU preset learns from scratch, logs its assignment's state, resumes exactly;
/// plain ATSS logs the same statistics.
/// </summary>
public sealed class DynamicAtssTrainingTests : TorchTest
{
    private static readonly string[] Tiny =
    [
        "model.backbone.width=0.25", "model.neck.out_channels=32", "model.bbox_head.feat_channels=32",
        "model.bbox_head.norm_groups=8", "data.train_scales=[[128,128]]", "data.test_scale=[128,128]",
        "train.warmup_iters=50", "train.lr=0.01", "train.log_interval=20",
    ];

    private static readonly string[] Statistics =
    [
        AssignmentStatistics.PositivesPerGt, AssignmentStatistics.MeanThreshold, AssignmentStatistics.PositiveIou,
        AssignmentStatistics.PositiveGiouLoss,
    ];

    [Fact]
    public void Dynamic_atss_trained_a_few_hundred_iterations_from_scratch_lowers_its_loss_and_reaches_an_ap50_floor()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            var config = ConfigLoader.Load("dynamic_atss_r18_cpu", [.. Tiny, "train.max_iters=300", "train.steps=[240]"]);
            var result = new Trainer(TinyTraining.Options(config, output, withValidation: true)).Run();
            Assert.Equal(TrainingStopReason.Completed, result.Reason);
            var train = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!["train"]!.AsArray();
            double First(string term) => train[0]![term]!.GetValue<double>();
            double Last(string term) => train.Skip(train.Count - 3).Average(e => e![term]!.GetValue<double>());
            Assert.True(Last("loss") < 0.85 * First("loss"), $"loss went from {First("loss"):F3} to {Last("loss"):F3}");
            Assert.True(Last("loss_cls") < 0.7 * First("loss_cls"), $"loss_cls went from {First("loss_cls"):F3} to {Last("loss_cls"):F3}");
            // The assignment's state is in every entry after the first read; the positives' predicted boxes get better.
            foreach (var entry in train.Take(train.Count - 1))
            {
                foreach (string key in Statistics)
                {
                    Assert.NotNull(entry![key]);
                }
            }

            Assert.True(Last(AssignmentStatistics.PositiveIou) > First(AssignmentStatistics.PositiveIou),
                $"pos_iou went from {First(AssignmentStatistics.PositiveIou):F3} to {Last(AssignmentStatistics.PositiveIou):F3}");
            Assert.True(result.FinalEvaluation!.Coco.AP50 > Ap50Floor, $"AP50 {result.FinalEvaluation.Coco.AP50:F3}");

            using var detector = Detector.Load(Path.Combine(output, TrainingCheckpoint.LatestFile));
            var head = Assert.IsType<AtssHead>(Assert.IsType<SingleStageDetector>(detector.Model).Head);
            Assert.True(head.Config.Assigner.CombinedIous);
            Assert.Equal(QualityBranch.Iou, head.Config.QualityBranch);
            Assert.Equal(ClassificationLossKind.Qfl, head.Config.LossCls.Type);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Dynamic_atss_resumed_after_three_iterations_has_the_weights_and_statistics_of_an_uninterrupted_six()
    {
        string straight = TinyTraining.TemporaryFolder();
        string split = TinyTraining.TemporaryFolder();
        try
        {
            string[] common = [.. Tiny, "train.warmup_iters=2", "train.steps=[4]", "train.log_interval=6"];
            new Trainer(TinyTraining.Options(ConfigLoader.Load("dynamic_atss_r18_cpu", [.. common, "train.max_iters=6"]), straight)).Run();
            new Trainer(TinyTraining.Options(ConfigLoader.Load("dynamic_atss_r18_cpu", [.. common, "train.max_iters=3"]), split)).Run();
            var resumed = new Trainer(TinyTraining.Options(ConfigLoader.Load("dynamic_atss_r18_cpu", [.. common, "train.max_iters=6"]), split,
                resume: true)).Run();
            Assert.Equal(6, resumed.Iterations);
            using var a = TorchSerializer.Load(Path.Combine(straight, TrainingCheckpoint.LatestFile));
            using var b = TorchSerializer.Load(Path.Combine(split, TrainingCheckpoint.LatestFile));
            var sa = a.GetStateDict("state_dict");
            var sb = b.GetStateDict("state_dict");
            foreach (var key in sa.Keys)
            {
                Assert.True(sa[key].Equal(sb[key]), $"{key} differs after resume");
            }

            // The interval's sums travel in the checkpoint: the 6-iteration means agree.
            var x = JsonNode.Parse(File.ReadAllText(Path.Combine(straight, "metrics.json")))!["train"]!.AsArray()[^1]!;
            var y = JsonNode.Parse(File.ReadAllText(Path.Combine(split, "metrics.json")))!["train"]!.AsArray()[^1]!;
            foreach (string key in Statistics)
            {
                Assert.Equal(x[key]!.GetValue<double>(), y[key]!.GetValue<double>(), 9);
            }
        }
        finally
        {
            Directory.Delete(straight, recursive: true);
            Directory.Delete(split, recursive: true);
        }
    }

    [Fact]
    public void Plain_atss_logs_the_positives_regression_loss_and_the_other_assignment_statistics()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            var config = ConfigLoader.Load("atss_r18_cpu", [.. Tiny, "train.max_iters=4", "train.log_interval=2"]);
            new Trainer(TinyTraining.Options(config, output)).Run();
            var train = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!["train"]!.AsArray();
            Assert.Equal(2, train.Count);
            foreach (var entry in train)
            {
                foreach (string key in Statistics)
                {
                    Assert.True(entry![key]!.GetValue<double>() > 0, key);
                }

                // ATSS's threshold is on anchor IoUs alone: below 1.
                Assert.True(entry![AssignmentStatistics.MeanThreshold]!.GetValue<double>() < 1.0);
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void An_atss_checkpoint_without_the_assignment_loggers_state_still_resumes_but_one_without_dla_does_not()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            using var scope = Engine.NewDisposeScope();
            var config = ConfigLoader.Load("atss_r18_cpu", [.. Tiny, "model.num_classes=2"]);
            var built = DetectorFactory.Build(config, ["a", "b"]);
            using var model = built.Model;
            using var optimizer = new DynDet.Torch.Optim.Sgd(model.NamedTrainableParameters().Select(p => p.Value), 0.01, 0.9);
            Assert.Contains(built.Strategies, s => s is AssignmentStatistics);
            // As written before the logger existed: no strategy state at all.
            string path = Path.Combine(output, "old.pth");
            TrainingCheckpoint.Save(path, model, optimizer, 7);
            using (var old = TorchSerializer.Load(path))
            {
                Assert.Equal(7, TrainingCheckpoint.Restore(old, model, optimizer, built.Strategies));
            }

            using var dla = new DynamicLabelAssignment(0.5);
            using var again = TorchSerializer.Load(path);
            var refused = Assert.Throws<InputException>(() => TrainingCheckpoint.Restore(again, model, optimizer, [dla]));
            Assert.Contains("no state for dynamic strategy 'dla'", refused.Message, StringComparison.Ordinal);
            foreach (var strategy in built.Strategies.OfType<IDisposable>())
            {
                strategy.Dispose();
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    // ATSS's floor (AtssTrainingTests, which measured 0.144 for ATSS). The Dynamic ATSS test passed against it on the
    // development machine; its own AP50 value has not been recorded yet (the run was on a heavily shared machine).
    private const double Ap50Floor = 0.05;
}
