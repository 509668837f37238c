using DynDet.TestSupport;
using DynDet.Training;

namespace DynDet.Tests.Training.Distributed;

/// <summary>The trainer on two ranks over 127.0.0.1 (two threads of this process, each its own group member).</summary>
public sealed class DataParallelTrainerTests : TorchTest
{
    private static readonly string[] Dynamic =
    [
        "model.dynamic_rcnn.update_interval=2", "model.dynamic_rcnn.iou_topk=10", "model.dynamic_rcnn.beta_topk=2",
        "model.dynamic_rcnn.initial_beta=100", "train.warmup_iters=2", "train.steps=[100]",
        "data.images_per_batch=1",
    ];

    [Fact]
    public void A_two_rank_dynamic_rcnn_run_ends_with_the_same_threshold_and_beta_on_both_ranks()
    {
        using var folder = new TempFolder();
        var config = TinyTraining.Config("dynamic_rcnn_r18_cpu", [.. Dynamic, "train.max_iters=8"]);
        var results = TwoRanks.Run((group, rank) => new Trainer(TinyTraining.Options(config, folder.Path) with { ProcessGroup = group }).Run(),
            TimeSpan.FromSeconds(60));
        Assert.All(results, r => Assert.Equal(TrainingStopReason.Completed, r.Reason));
        Assert.All(results, r => Assert.Equal(8, r.Iterations));
        Assert.Equal(results[0].Dynamic, results[1].Dynamic);
        // Four updates happened: both values moved from their start (0.5, and an initial β of 100 that any median
        // lowers), so the agreement is not vacuous.
        Assert.NotEqual(0.5, results[0].Dynamic["dla.iou_threshold"]);
        Assert.NotEqual(100, results[0].Dynamic["dsl.beta"]);
        // Rank 0's checkpoint holds them too.
        Assert.Equal(8, CheckpointWeights.Iteration(results[0].Checkpoint));
    }

    /// <summary>
    /// RLO's interval losses, weights, probabilities and draws, and Dynamic ATSS's logged assignment statistics, are the
    /// same on both ranks at the end of a two-rank run (each rank saw other images).
    /// </summary>
    [Theory]
    [InlineData("retinanet_r18_cpu_rlo", "model.bbox_head.balancer.interval=2", ".p0", 0.25)]
    [InlineData("dynamic_atss_r18_cpu", "train.log_interval=2", "pos_per_gt", 0.0)]
    public void A_two_rank_run_ends_with_the_same_balancer_and_assignment_state_on_both_ranks(string preset, string extra, string key, double start)
    {
        using var folder = new TempFolder();
        var config = DynDet.Config.ConfigLoader.Load(preset,
        [
            "model.neck.out_channels=32", "model.bbox_head.feat_channels=32", "data.train_scales=[[128,128]]", "data.test_scale=[128,128]",
            "data.images_per_batch=1", "train.warmup_iters=2", "train.max_iters=8", extra,
        ]);
        var results = TwoRanks.Run((group, rank) => new Trainer(TinyTraining.Options(config, folder.Path) with { ProcessGroup = group }).Run(),
            TimeSpan.FromSeconds(60));
        Assert.Equal(results[0].Dynamic, results[1].Dynamic);
        string name = Assert.Single(results[0].Dynamic.Keys, k => k.EndsWith(key, StringComparison.Ordinal));
        // It moved from where it starts, so the agreement is not vacuous.
        Assert.NotEqual(start, results[0].Dynamic[name]);
        Assert.All(results[0].Dynamic.Values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void A_run_resumes_with_another_world_size_from_the_global_iteration()
    {
        using var folder = new TempFolder();
        string[] common = ["train.warmup_iters=2", "train.steps=[100]", "data.images_per_batch=1"];
        var two = TwoRanks.Run((group, rank) => new Trainer(TinyTraining.Options(
            TinyTraining.Config(overrides: [.. common, "train.max_iters=3"]), folder.Path) with { ProcessGroup = group }).Run(), TimeSpan.FromSeconds(60));
        Assert.Equal(3, two[0].Iterations);
        // Two processes → one: iteration 3 of the same schedule; then one → two.
        var one = new Trainer(TinyTraining.Options(TinyTraining.Config(overrides: [.. common, "train.max_iters=5"]), folder.Path, resume: true)).Run();
        Assert.Equal(5, one.Iterations);
        Assert.Equal(5, CheckpointWeights.Iteration(one.Checkpoint));
        var again = TwoRanks.Run((group, rank) => new Trainer(TinyTraining.Options(
            TinyTraining.Config(overrides: [.. common, "train.max_iters=7"]), folder.Path, resume: true) with { ProcessGroup = group }).Run(), TimeSpan.FromSeconds(60));
        Assert.All(again, r => Assert.Equal(7, r.Iterations));
        Assert.Equal(7, CheckpointWeights.Iteration(again[0].Checkpoint));
        CheckpointWeights.AssertFinite(again[0].Checkpoint);
    }
}
