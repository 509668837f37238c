using DynDet.Losses;
using DynDet.TestSupport;
using DynDet.Torch;
using static DynDet.Tests.Losses.OneStageLossFixtures;

namespace DynDet.Tests.Losses;

public sealed class BinaryCrossEntropyLossTests : TorchTest
{
    [Fact]
    public void Centerness_loss_values_gradient_and_levels_equal_mmdetection()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load("centerness");
        var loss = new BinaryCrossEntropyLoss();
        TensorAssert.Close(f["mm_none"], loss.Elementwise(f["logits"], f["targets"]), 1e-6, 1e-5, "element-wise");
        var x = f["logits"].RequiresGrad_();
        var reduced = loss.Compute(x, f["targets"], null, f["avg_factor"]);
        TensorAssert.Close(f["mm_reduced"], reduced, 1e-6, 1e-5, "reduced");
        reduced.Backward();
        TensorAssert.Close(f["mm_reduced_grad"], GradOf(x), 1e-7, 1e-5, "gradient");
        var levels = loss.ComputePerLevel(f["logits"], f["targets"], null, f["avg_factor"], f["level_ids"], 5);
        TensorAssert.Close(f["mm_levels"], levels, 1e-6, 1e-5, "per level");
        TensorAssert.Close(reduced, levels.Sum(), 1e-6, 1e-6, "Σ levels");
    }

    [Fact]
    public void Hand_computed_values()
    {
        using var scope = Engine.NewDisposeScope();
        // x = 0 → ln 2 whatever the target; x = ln 3 (σ = ¾) against ¾ → entropy of ¾
        var logits = Tensor.FromArray(new double[] { 0, 0, Math.Log(3) });
        var targets = Tensor.FromArray(new double[] { 1, 0.3, 0.75 });
        double h = -(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25));
        TensorAssert.Close(Tensor.FromArray(new double[] { Math.Log(2), Math.Log(2), h }),
            new BinaryCrossEntropyLoss().Elementwise(logits, targets), 1e-12, 1e-12);
        Assert.Equal(2 * (2 * Math.Log(2) + h) / 3,
            new BinaryCrossEntropyLoss(2.0).Compute(logits, targets, null, Tensor.ScalarTensor(3)).ToDouble(), 6);
    }
}
