using DynDet.Config;
using DynDet.Data;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Tests.Models;
using DynDet.Torch;
using DynDet.Torch.Optim;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>The one training step: its slots are really on the path, and it reads once what it reports.</summary>
public sealed class TrainingStepTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];

    private static DetectorConfig Config() => ConfigLoader.Load("dynamic_rcnn_r18_cpu",
    [
        "model.backbone.width=0.25", "model.neck.out_channels=16", "model.roi_head.fc_channels=32",
        "model.roi_head.sampler.num=64", "model.rpn.train_proposals.max_per_image=100", "model.dynamic_rcnn.update_interval=1",
    ]);

    private static DetectionBatch Batch()
    {
        Engine.ManualSeed(11);
        var batch = TestBatches.Make(64, 64,
            [Tensor.FromArray(new float[] { 4, 6, 30, 40, 30, 8, 60, 30 }, 2, 4), Tensor.FromArray(new float[] { 2, 2, 20, 25 }, 1, 4)],
            [Tensor.FromArray(new long[] { 0, 2 }), Tensor.FromArray(new long[] { 1 })]);
        batch.Images.Copy_(Tensor.Randn(2, 3, 64, 64));
        return batch;
    }

    /// <summary>Runs one step from seed 3 with the given slots; returns the outcome and the weights after it.</summary>
    private static (StepOutcome Outcome, Dictionary<string, float[]> Weights) Step(ILossWeighting weighting, IGradientReducer reducer)
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(3);
        using var built = DetectorFactory.Build(Config(), Classes);
        built.Model.Train();
        using var optimizer = new Sgd(built.Model.NamedTrainableParameters().Select(p => p.Value), 0.01);
        using var batch = Batch();
        var step = new TrainingStep(built.Model, optimizer, built.Strategies,
            new TrainingStepOptions { LossWeighting = weighting, GradientReducer = reducer });
        Engine.ManualSeed(5);
        var outcome = step.Run(batch, 0);
        var weights = built.Model.NamedTrainableParameters().ToDictionary(p => p.Key, p => p.Value.To(ScalarType.Float32).Reshape(-1).ToArray<float>());
        return (outcome, weights);
    }

    [Fact]
    public void Unit_weighting_is_the_detectors_total_and_a_level_weighting_changes_the_update()
    {
        var (unit, unitWeights) = Step(UnitLossWeighting.Instance, SingleProcessGradients.Instance);
        var (ones, onesWeights) = Step(new LevelWeighting(1.0), SingleProcessGradients.Instance);
        var (doubled, doubledWeights) = Step(new LevelWeighting(2.0), SingleProcessGradients.Instance);
        // Σ levels · 1 back-propagates exactly what the detector's total does.
        Assert.Equal(unitWeights, onesWeights);
        Assert.Equal(unit.Losses, ones.Losses);
        // P2 of the RPN's objectness at weight 2: the reported total follows the slot, and so do the weights.
        Assert.True(doubled.Losses["loss"] > unit.Losses["loss"]);
        Assert.Equal(unit.Losses["loss"] + unit.Levels["loss_rpn_cls"][0], doubled.Losses["loss"], 5);
        Assert.NotEqual(unitWeights["rpn_head.rpn_cls.weight"], doubledWeights["rpn_head.rpn_cls.weight"]);
    }

    [Fact]
    public void The_gradient_reducer_sees_every_gradient_before_they_are_applied()
    {
        var (_, plain) = Step(UnitLossWeighting.Instance, SingleProcessGradients.Instance);
        var halving = new HalvingReducer();
        var (outcome, halved) = Step(UnitLossWeighting.Instance, halving);
        Assert.Equal(1, halving.Calls);
        Assert.True(halving.Gradients > 50, $"{halving.Gradients} gradients");
        // Plain SGD without momentum history and without weight decay: half the gradient moves the weights half as far.
        Assert.NotEqual(plain["rpn_head.rpn_conv.weight"], halved["rpn_head.rpn_conv.weight"]);
        Assert.Equal(["dla", "dsl"], outcome.Updates.Select(u => u.Strategy));
        Assert.Equal([5, 5, 4, 4], outcome.Levels.Values.Select(v => v.Length));
    }

    /// <summary>Σ over levels of every per-level term, the RPN objectness's P2 at <paramref name="p2"/>, the rest at 1.</summary>
    private sealed class LevelWeighting(double p2) : ILossWeighting
    {
        public Tensor Weighted(DetectorLosses losses)
        {
            Tensor? total = null;
            foreach (var (name, levels) in losses.Levels)
            {
                var weights = Tensor.Ones([levels.Size(0)], device: levels.Device);
                if (name == "loss_rpn_cls")
                {
                    weights.Narrow(0, 0, 1).Fill_(p2);
                }

                var term = (levels * weights).Sum();
                total = total is null ? term : total + term;
            }

            return total!;
        }
    }

    private sealed class HalvingReducer : IGradientReducer
    {
        public int Calls { get; private set; }

        public int Gradients { get; private set; }

        public void Reduce(IReadOnlyList<Tensor> gradients)
        {
            Calls++;
            Gradients = gradients.Count;
            foreach (var g in gradients)
            {
                g.Mul_(0.5);
            }
        }

        public IReadOnlyList<bool> WithGradientAnywhere(IReadOnlyList<bool> here) => here;
    }
}
