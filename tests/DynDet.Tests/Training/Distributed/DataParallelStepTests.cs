using DynDet.Config;
using DynDet.Data;
using DynDet.Dynamic;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Optim;
using DynDet.Training;
using DynDet.Training.Distributed;

namespace DynDet.Tests.Training.Distributed;

/// <summary>
/// One data-parallel training step on two ranks over 127.0.0.1 (two threads of this process, each its own group
/// member) against one process with both ranks' images.
/// </summary>
public sealed class DataParallelStepTests : TorchTest
{
    private const string Data = "synthetic:images=8,seed=1,width=64,height=64,classes=2,max_objects=2,min_size=16";

    /// <summary>
    /// RetinaNet without random sampling or flips, every image at 64 × 64 (no padding differences), batch norm in eval
    /// mode (its batch statistics would depend on the split) and torchvision's per-image loss normaliser (each image's
    /// sum over its own positives, then the mean over images: the mean over ranks of one-image losses is the loss of
    /// the two-image batch).
    /// </summary>
    internal static readonly string[] Overrides =
    [
        "model.style=torchvision", "model.backbone.norm_eval=true", "model.neck.out_channels=16", "model.bbox_head.feat_channels=16",
        "data.train_scales=[[64,64]]", "data.test_scale=[64,64]", "data.flip_probability=0",
    ];

    /// <summary>
    /// FCOS and ATSS as MMDetection: their loss normalisers (FCOS's number of positives and centerness sum, ATSS's
    /// number of samples and box-weight sum) are reduce_mean'd over the processes, which makes the averaged gradient
    /// the whole batch's; 32-channel GroupNorm towers; batch norm in eval mode.
    /// </summary>
    private static readonly string[] OneStageOverrides =
    [
        "model.backbone.norm_eval=true", "model.neck.out_channels=32", "model.bbox_head.feat_channels=32",
        "data.train_scales=[[64,64]]", "data.test_scale=[64,64]", "data.flip_probability=0",
    ];

    private static DetectorConfig Config(string preset) =>
        preset == "retinanet_r18_cpu" ? ConfigLoader.Load(preset, Overrides) : ConfigLoader.Load(preset, OneStageOverrides);

    /// <summary>The step's reported losses and every trainable parameter's gradient after it (reduced, as applied).</summary>
    private sealed record StepResult(IReadOnlyDictionary<string, double> Losses, Dictionary<string, float[]> Gradients, int Broadcast);

    /// <param name="preset">The config.</param>
    /// <param name="weights">Weights to start from (null: the model's own initialisation).</param>
    /// <param name="group">The process group, or null for one process.</param>
    /// <param name="imagesPerRank">Images in this process's batch.</param>
    /// <param name="sameData">Every rank takes the first batch of the whole data (not its shard).</param>
    /// <param name="dropOnRank1">A parameter whose gradient rank 1 drops after backward, as if no loss had reached it.</param>
    private static StepResult Step(string preset, IReadOnlyDictionary<string, Tensor>? weights, DynDet.Torch.Distributed.ProcessGroup? group,
        int imagesPerRank, bool sameData = false, string? dropOnRank1 = null)
    {
        using var scope = Engine.NewDisposeScope();
        var config = Config(preset);
        var dataset = DatasetSpec.Open(Data);
        using var built = DetectorFactory.Build(config, dataset.CategoryNames);
        var model = built.Model;
        if (weights is not null)
        {
            model.LoadStateDict(weights);
        }

        int broadcast = group is null ? 0 : ModelBroadcast.FromRankZero(group, model);
        model.Train();
        var loader = new DataLoader(dataset, Trainer.TrainTransform(config.Data), new LoaderOptions
        {
            BatchSize = imagesPerRank,
            Seed = 7,
            DropLast = true,
            Rank = sameData ? 0 : group?.Rank ?? 0,
            WorldSize = sameData ? 1 : group?.WorldSize ?? 1,
        });
        using var optimizer = new Sgd(model.NamedTrainableParameters().Select(p => p.Value), 0.01);
        var step = new TrainingStep(model, optimizer, built.Strategies, new TrainingStepOptions
        {
            GradientReducer = group is null ? SingleProcessGradients.Instance : new ProcessGroupGradients(group),
            StatisticReducer = group is null ? SingleProcessReducer.Instance : new ProcessGroupStatistics(group),
            AfterBackward = (m, _) =>
            {
                if (group?.Rank == 1 && dropOnRank1 is not null)
                {
                    m.NamedTrainableParameters().Single(p => p.Key == dropOnRank1).Value.Grad = null;
                }
            },
        });
        using var batch = loader.MakeBatch(0);
        var outcome = step.Run(batch, 0);
        var gradients = new Dictionary<string, float[]>();
        foreach (var (name, parameter) in model.NamedTrainableParameters())
        {
            if (parameter.Grad is Tensor g)
            {
                gradients[name] = g.To(ScalarType.Float32).Reshape(-1).ToArray<float>();
            }
        }

        return new StepResult(outcome.Losses, gradients, broadcast);
    }

    [Theory]
    [InlineData("retinanet_r18_cpu")]
    [InlineData("fcos_r18_cpu")]
    [InlineData("atss_r18_cpu")]
    public void Two_ranks_with_one_image_each_get_the_gradients_and_the_loss_of_one_process_with_both(string preset)
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(3);
        var config = Config(preset);
        Dictionary<string, Tensor> weights;
        using (var reference = DetectorFactory.Build(config, DatasetSpec.Open(Data).CategoryNames))
        {
            weights = reference.Model.StateDict().ToDictionary(p => p.Key, p => p.Value.Detach().Clone());
        }

        var single = Step(preset, weights, null, 2);
        // Rank 0 starts from the reference weights, rank 1 from its own initialisation: the broadcast must fix that.
        var ranks = TwoRanks.Run((group, rank) => Step(preset, rank == 0 ? weights : null, group, 1));
        Assert.True(ranks[1].Broadcast > 100, $"{ranks[1].Broadcast} tensors broadcast");
        Assert.True(single.Gradients.Count > 30, $"{single.Gradients.Count} gradients");
        foreach (var r in ranks)
        {
            Assert.Equal(single.Gradients.Keys.Order(), r.Gradients.Keys.Order());
            Assert.Equal(single.Losses["loss"], r.Losses["loss"], 1e-5 * Math.Abs(single.Losses["loss"]));
            foreach (var (term, value) in single.Losses)
            {
                Assert.True(Math.Abs(value - r.Losses[term]) <= 1e-5 * Math.Abs(value) + 1e-9, $"{term}: {r.Losses[term]} vs {value}");
            }

            foreach (var (name, expected) in single.Gradients)
            {
                float[] actual = r.Gradients[name];
                double scale = expected.Max(v => Math.Abs((double)v));
                double worst = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
                Assert.True(worst <= 1e-5 * scale + 1e-12, $"{name}: max |difference| {worst} against max |gradient| {scale}");
            }
        }

        // The two ranks hold the very same averaged gradients: they apply the same update.
        foreach (var (name, g) in ranks[0].Gradients)
        {
            Assert.Equal(g, ranks[1].Gradients[name]);
        }
    }

    [Fact]
    public void A_gradient_missing_on_one_rank_is_averaged_with_zeros_on_both_and_the_bucket_layout_stays_the_same()
    {
        const string Dropped = "bbox_head.retina_cls.bias";
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(3);
        Dictionary<string, Tensor> weights;
        using (var reference = DetectorFactory.Build(Config("retinanet_r18_cpu"), DatasetSpec.Open(Data).CategoryNames))
        {
            weights = reference.Model.StateDict().ToDictionary(p => p.Key, p => p.Value.Detach().Clone());
        }

        // Both ranks on the same images: every gradient is the same on both, so the average is that gradient ...
        var whole = TwoRanks.Run((group, rank) => Step("retinanet_r18_cpu", rank == 0 ? weights : null, group, 1, sameData: true));
        // ... and with rank 1 missing one, that one is half of it (averaged with rank 1's zeros) on both ranks.
        var partial = TwoRanks.Run((group, rank) => Step("retinanet_r18_cpu", rank == 0 ? weights : null, group, 1, sameData: true, dropOnRank1: Dropped));
        for (int rank = 0; rank < 2; rank++)
        {
            Assert.Equal(whole[rank].Gradients.Keys.Order(), partial[rank].Gradients.Keys.Order());
            foreach (var (name, g) in whole[rank].Gradients)
            {
                float[] expected = name == Dropped ? [.. g.Select(v => v / 2)] : g;
                Assert.Equal(expected, partial[rank].Gradients[name]);
            }
        }

        Assert.Contains(whole[0].Gradients[Dropped], v => v != 0);
    }

    [Fact]
    public void A_gradient_present_on_one_rank_only_is_reduced_on_both_with_zeros_for_the_missing_one()
    {
        var results = TwoRanks.Run((group, rank) =>
        {
            using var scope = Engine.NewDisposeScope();
            var reducer = new ProcessGroupGradients(group);
            // Parameter 0 has a gradient on both ranks, 1 on rank 0 only, 2 on neither.
            bool[] here = [true, rank == 0, false];
            return reducer.WithGradientAnywhere(here).ToArray();
        });
        Assert.Equal([true, true, false], results[0]);
        Assert.Equal([true, true, false], results[1]);
    }
}
