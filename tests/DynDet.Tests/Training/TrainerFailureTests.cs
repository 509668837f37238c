using System.Globalization;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>What a run keeps when a step goes wrong: poisoned gradients and weights, and failures that are not divergence.</summary>
public sealed class TrainerFailureTests : TorchTest
{
    [Fact]
    public void An_injected_nan_gradient_stops_the_run_and_the_kept_checkpoint_holds_the_finite_weights_of_the_previous_step()
    {
        string poisoned = TinyTraining.TemporaryFolder();
        string clean = TinyTraining.TemporaryFolder();
        try
        {
            const string target = "roi_head.bbox_head.fc_cls.weight";
            var options = TinyTraining.Options(TinyTraining.Config(overrides: ["train.max_iters=6", "train.checkpoint_interval=1"]), poisoned) with
            {
                AfterBackward = (model, iteration) =>
                {
                    if (iteration == 3)
                    {
                        using var scope = Engine.NewDisposeScope();
                        model.NamedTrainableParameters().Single(p => p.Key == target).Value.Grad!.Fill_(double.NaN);
                    }
                },
            };
            var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(options).Run());
            Assert.Equal($"the gradient of {target} is NaN at iteration 3: training stopped before this step changed the weights", e.Message);

            string kept = Path.Combine(poisoned, TrainingCheckpoint.LatestFile);
            Assert.Equal(2, CheckpointWeights.Iteration(kept));
            CheckpointWeights.AssertFinite(kept);
            new Trainer(TinyTraining.Options(TinyTraining.Config(overrides: ["train.max_iters=2"]), clean)).Run();
            CheckpointWeights.AssertSame(Path.Combine(clean, TrainingCheckpoint.LatestFile), kept);
            Assert.Empty(Directory.GetFiles(poisoned, "*.tmp"));
        }
        finally
        {
            Directory.Delete(poisoned, recursive: true);
            Directory.Delete(clean, recursive: true);
        }
    }

    [Fact]
    public void Weights_that_turn_non_finite_are_never_checkpointed_and_the_last_good_checkpoint_stays()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            const string target = "backbone.conv1.weight";
            var options = TinyTraining.Options(TinyTraining.Config(overrides: ["train.max_iters=6", "train.checkpoint_interval=1"]), output) with
            {
                // After backward the gradients are finite; the weight itself goes bad, as a huge step would make it.
                AfterBackward = (model, iteration) =>
                {
                    if (iteration == 2)
                    {
                        using var scope = Engine.NewDisposeScope();
                        using var noGrad = Engine.NoGrad();
                        model.NamedTrainableParameters().Single(p => p.Key == target).Value.Fill_(double.PositiveInfinity);
                    }
                },
            };
            var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(options).Run());
            Assert.StartsWith($"{target} is not finite after iteration 2", e.Message, StringComparison.Ordinal);
            string kept = Path.Combine(output, TrainingCheckpoint.LatestFile);
            Assert.Equal(1, CheckpointWeights.Iteration(kept));
            CheckpointWeights.AssertFinite(kept);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void A_failure_that_is_not_divergence_saves_the_last_completed_step_and_rethrows()
    {
        string failed = TinyTraining.TemporaryFolder();
        string clean = TinyTraining.TemporaryFolder();
        try
        {
            // No periodic checkpoint at all: without the save on failure nothing would be left. Workers 0: images
            // load when the batch is taken, 2 per batch, so the 7th load fails while taking batch 4.
            string[] common = ["train.checkpoint_minutes=0", "train.checkpoint_interval=0", "data.workers=0", "data.images_per_batch=2"];
            var options = TinyTraining.Options(TinyTraining.Config(overrides: [.. common, "train.max_iters=6"]), failed) with
            {
                TrainData = new FailingDataset(DynDet.Data.DatasetSpec.Open(TinyTraining.TrainData), failingLoad: 7),
            };
            var e = Assert.Throws<InputException>(() => new Trainer(options).Run());
            Assert.EndsWith("corrupt (injected)", e.Message, StringComparison.Ordinal);
            string kept = Path.Combine(failed, TrainingCheckpoint.LatestFile);
            Assert.Equal(3, CheckpointWeights.Iteration(kept));
            new Trainer(TinyTraining.Options(TinyTraining.Config(overrides: [.. common, "train.max_iters=3"]), clean)).Run();
            CheckpointWeights.AssertSame(Path.Combine(clean, TrainingCheckpoint.LatestFile), kept);

            // ... and resuming from it ends where an unbroken run ends.
            var resumed = new Trainer(TinyTraining.Options(TinyTraining.Config(overrides: [.. common, "train.max_iters=6"]), failed, resume: true)).Run();
            Assert.Equal(6, resumed.Iterations);
            new Trainer(TinyTraining.Options(TinyTraining.Config(overrides: [.. common, "train.max_iters=6"]), clean)).Run();
            CheckpointWeights.AssertSame(Path.Combine(clean, TrainingCheckpoint.LatestFile), kept);
        }
        finally
        {
            Directory.Delete(failed, recursive: true);
            Directory.Delete(clean, recursive: true);
        }
    }

    [Fact]
    public void Every_periodic_evaluation_writes_a_checkpoint_without_an_iteration_interval()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            long evaluatedAt = -1;
            var options = TinyTraining.Options(TinyTraining.Config(overrides: ["train.max_iters=4", "train.eval_interval=2", "train.checkpoint_minutes=0",
                "data.test_scale=[64,64]"]), output, withValidation: true) with
            {
                AfterBackward = (_, iteration) =>
                {
                    // Iteration 3 is under way: the evaluation at 2 must have left its checkpoint.
                    if (iteration == 3)
                    {
                        evaluatedAt = CheckpointWeights.Iteration(Path.Combine(output, TrainingCheckpoint.LatestFile));
                    }
                },
            };
            new Trainer(options).Run();
            Assert.Equal(2, evaluatedAt);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
