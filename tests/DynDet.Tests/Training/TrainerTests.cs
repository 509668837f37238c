using System.Text.Json.Nodes;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Tests.Training;

public sealed class TrainerTests : TorchTest
{
    [Fact]
    public void A_few_hundred_iterations_from_scratch_lower_the_loss_and_reach_an_ap50_floor()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            var config = TinyTraining.Config(overrides: ["train.max_iters=400", "train.steps=[320]"]);
            var result = new Trainer(TinyTraining.Options(config, output, withValidation: true)).Run();
            Assert.Equal(TrainingStopReason.Completed, result.Reason);
            var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!;
            var train = metrics["train"]!.AsArray();
            double first = train[0]!["loss"]!.GetValue<double>();
            double last = train.Skip(train.Count - 3).Average(e => e!["loss"]!.GetValue<double>());
            Assert.True(last < 0.8 * first, $"loss went from {first:F3} to {last:F3}");
            // Measured on the development machine: AP50 0.29 after 400 iterations (chance is ~0).
            Assert.True(result.FinalEvaluation!.Coco.AP50 > 0.15, $"AP50 {result.FinalEvaluation.Coco.AP50:F3}");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Resuming_after_n_iterations_gives_the_same_weights_and_strategy_state_as_an_uninterrupted_run()
    {
        string straight = TinyTraining.TemporaryFolder();
        string split = TinyTraining.TemporaryFolder();
        try
        {
            // Dynamic R-CNN with updates every 2 iterations: the checkpoint at 3 holds a half-filled history.
            string[] common = ["model.dynamic_rcnn.update_interval=2", "model.dynamic_rcnn.iou_topk=10", "train.warmup_iters=2"];
            new Trainer(TinyTraining.Options(TinyTraining.Config("dynamic_rcnn_r18_cpu", [.. common, "train.max_iters=6", "train.steps=[4]"]), straight)).Run();
            new Trainer(TinyTraining.Options(TinyTraining.Config("dynamic_rcnn_r18_cpu", [.. common, "train.max_iters=3", "train.steps=[4]"]), split)).Run();
            var resumed = new Trainer(TinyTraining.Options(TinyTraining.Config("dynamic_rcnn_r18_cpu", [.. common, "train.max_iters=6", "train.steps=[4]"]), split, resume: true)).Run();
            Assert.Equal(6, resumed.Iterations);
            using var a = TorchSerializer.Load(Path.Combine(straight, TrainingCheckpoint.LatestFile));
            using var b = TorchSerializer.Load(Path.Combine(split, TrainingCheckpoint.LatestFile));
            var sa = a.GetStateDict("state_dict");
            var sb = b.GetStateDict("state_dict");
            Assert.Equal(sa.Keys, sb.Keys);
            foreach (var key in sa.Keys)
            {
                Assert.True(sa[key].Equal(sb[key]), $"{key} differs after resume");
            }

            var da = (PyDict)((PyDict)a.Root!)["dynamic"]!;
            var db = (PyDict)((PyDict)b.Root!)["dynamic"]!;
            foreach (string name in new[] { "dla", "dsl" })
            {
                var va = (PyDict)((PyDict)da[name]!)["values"]!;
                var vb = (PyDict)((PyDict)db[name]!)["values"]!;
                Assert.Equal(va.ToArray(), vb.ToArray());
            }
        }
        finally
        {
            Directory.Delete(straight, recursive: true);
            Directory.Delete(split, recursive: true);
        }
    }

    [Fact]
    public void A_diverging_run_stops_naming_the_term_and_keeps_the_last_good_checkpoint_with_the_previous_steps_weights()
    {
        string output = TinyTraining.TemporaryFolder();
        string clean = TinyTraining.TemporaryFolder();
        try
        {
            string[] common = ["train.lr=1e6", "train.warmup=none", "train.checkpoint_interval=1"];
            var config = TinyTraining.Config(overrides: [.. common, "train.max_iters=10"]);
            var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(TinyTraining.Options(config, output)).Run());
            Assert.Matches(@"^(loss_\w+|the gradient of [\w.]+|the gradient norm) is (NaN|∞|-∞|Infinity|-Infinity)( \(overflow\))? at iteration \d+: training stopped before this step changed the weights$", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            int failedAt = int.Parse(System.Text.RegularExpressions.Regex.Match(e.Message, @"iteration (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(failedAt >= 2, $"diverged at iteration {failedAt}: the test needs a good checkpoint before it");
            string kept = Path.Combine(output, TrainingCheckpoint.LatestFile);
            Assert.Equal(failedAt - 1, CheckpointWeights.Iteration(kept));
            Assert.Empty(Directory.GetFiles(output, "*.tmp*"));

            // The kept weights are those of a clean run stopped after the last good step, and finite.
            new Trainer(TinyTraining.Options(TinyTraining.Config(overrides: [.. common, $"train.max_iters={failedAt - 1}"]), clean)).Run();
            CheckpointWeights.AssertFinite(kept);
            CheckpointWeights.AssertSame(Path.Combine(clean, TrainingCheckpoint.LatestFile), kept);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
            Directory.Delete(clean, recursive: true);
        }
    }

    [Fact]
    public void Cancellation_finishes_the_step_and_saves_a_checkpoint_to_resume_from()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            var config = TinyTraining.Config(overrides: ["train.max_iters=50"]);
            var result = new Trainer(TinyTraining.Options(config, output)).Run(cancelled.Token);
            Assert.Equal(TrainingStopReason.Interrupted, result.Reason);
            Assert.Equal(1, result.Iterations);
            using var checkpoint = TorchSerializer.Load(result.Checkpoint);
            Assert.Equal(1, TrainingCheckpoint.ReadInfo(checkpoint).Iteration);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
