using DynDet.Losses;
using DynDet.TestSupport;
using DynDet.Torch;
using static DynDet.Tests.Losses.OneStageLossFixtures;

namespace DynDet.Tests.Losses;

public sealed class SigmoidFocalLossTests : TorchTest
{
    [Fact]
    public void Elementwise_loss_equals_torchvision_and_mmdetection_for_labels_and_soft_targets()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load("focal");
        var loss = new SigmoidFocalLoss();
        // labels −1 (ignored) and C (background) both give all-zero rows, as MMDetection's one-hot over C + 1 does
        TensorAssert.Close(f["targets"], SigmoidFocalLoss.OneHot(f["labels"], 5), 0, 0, "one-hot");
        var fromLabels = loss.Elementwise(f["logits"], f["labels"]);
        TensorAssert.Close(f["tv_none"], fromLabels, 1e-6, 1e-5, "torchvision, labels");
        TensorAssert.Close(f["mm_none"], fromLabels, 1e-6, 1e-5, "mmdet, labels");
        TensorAssert.Close(f["tv_none"], loss.ElementwiseSoft(f["logits"], f["targets"]), 1e-6, 1e-5, "torchvision, one-hot");
        TensorAssert.Close(f["tv_soft_none"], loss.ElementwiseSoft(f["logits"], f["soft_targets"]), 1e-6, 1e-5, "soft targets");
        TensorAssert.Close(f["mm_weighted_none"], loss.Elementwise(f["logits"], f["labels"], f["weights"]), 1e-6, 1e-5,
            "label weights (N) broadcast over classes");
        TensorAssert.Close(f["tv_a05_g1"], new SigmoidFocalLoss(0.5, 1.0).Elementwise(f["logits"], f["labels"]), 1e-6, 1e-5,
            "α 0.5, γ 1");
        Assert.True(fromLabels.IsFinite().All().ToBoolean(), "logits of ±50 must give finite losses");
    }

    [Fact]
    public void Reduced_loss_and_gradients_equal_mmdetection_with_a_tensor_avg_factor()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load("focal");
        var loss = new SigmoidFocalLoss();
        var x = f["logits"].RequiresGrad_();
        var reduced = loss.Compute(x, f["labels"], f["weights"], f["avg_factor"]);
        Assert.Empty(reduced.Shape);
        TensorAssert.Close(f["mm_reduced"], reduced, 1e-6, 1e-5, "reduced");
        reduced.Backward();
        TensorAssert.Close(f["mm_reduced_grad"], GradOf(x), 1e-7, 1e-5, "gradient");
        // the ignored rows (weight 0) receive no gradient
        Assert.Equal(0.0, GradOf(x).Narrow(0, 8, 2).Abs().Max().ToDouble());

        x.Grad = null;
        var soft = LossReduction.WeightReduce(loss.ElementwiseSoft(x, f["soft_targets"]), f["weights"], f["avg_factor"]);
        TensorAssert.Close(f["mm_soft_reduced"], soft, 1e-6, 1e-5, "soft reduced");
        soft.Backward();
        TensorAssert.Close(f["mm_soft_reduced_grad"], GradOf(x), 1e-7, 1e-5, "soft gradient");

        x.Grad = null;
        loss.ElementwiseSoft(x, f["targets"]).Sum().Backward();
        TensorAssert.Close(f["tv_sum_grad"], GradOf(x), 1e-6, 1e-5, "torchvision gradient");

        TensorAssert.Close(f["mm_mean"], LossReduction.WeightReduce(loss.Elementwise(f["logits"], f["labels"]), f["weights"]),
            1e-7, 1e-5, "mean without an avg factor");
    }

    [Fact]
    public void Levels_sum_to_the_reduced_loss_and_carry_the_same_gradient()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load("focal");
        var loss = new SigmoidFocalLoss();
        var x = f["logits"].RequiresGrad_();
        var levels = loss.ComputePerLevel(x, f["labels"], f["weights"], f["avg_factor"], f["level_ids"], 5);
        Assert.Equal([5L], levels.Shape);
        TensorAssert.Close(f["mm_levels"], levels, 1e-6, 1e-5, "per level");
        var reduced = loss.Compute(f["logits"], f["labels"], f["weights"], f["avg_factor"]);
        TensorAssert.Close(reduced, levels.Sum(), 1e-6, 1e-6, "Σ levels");
        levels.Sum().Backward();
        TensorAssert.Close(f["mm_reduced_grad"], GradOf(x), 1e-7, 1e-5, "gradient through the levels");
    }

    [Fact]
    public void Hand_computed_values_from_the_formula()
    {
        using var scope = Engine.NewDisposeScope();
        // x = 0: p = ½, BCE = ln 2, p_t' = ½ → positive α·¼·ln 2, negative (1 − α)·¼·ln 2
        var logits = Tensor.Zeros(3, 2);
        var labels = Tensor.FromArray(new long[] { 0, 2, -1 });
        double ln2 = Math.Log(2);
        var expected = Tensor.FromArray(new float[]
        {
            (float)(0.25 * 0.25 * ln2), (float)(0.75 * 0.25 * ln2),
            (float)(0.75 * 0.25 * ln2), (float)(0.75 * 0.25 * ln2),
            (float)(0.75 * 0.25 * ln2), (float)(0.75 * 0.25 * ln2),
        }, 3, 2);
        TensorAssert.Close(expected, new SigmoidFocalLoss().Elementwise(logits, labels), 1e-7, 1e-6);
        TensorAssert.Close(expected * 2.0, new SigmoidFocalLoss(lossWeight: 2.0).Elementwise(logits, labels), 1e-7, 1e-6,
            "loss weight");
        // x = 2 against target 1: p = σ(2), BCE = ln(1 + e^−2), factor α·(1 − p)²
        double p = 1 / (1 + Math.Exp(-2));
        double value = Math.Log(1 + Math.Exp(-2)) * 0.25 * (1 - p) * (1 - p);
        Assert.Equal(value, SigmoidFocalLoss.Focal(Tensor.FromArray(new double[] { 2 }), Tensor.FromArray(new double[] { 1 }))
            .Select(0, 0).ToDouble(), 12);
        // γ = 0 is α-weighted BCE
        TensorAssert.Close(Tensor.FromArray(new float[] { (float)(0.25 * ln2) }),
            SigmoidFocalLoss.Focal(Tensor.Zeros(1), Tensor.Ones(1), 0.25, 0), 1e-7, 1e-6, "γ 0");
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        using var scope = Engine.NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SigmoidFocalLoss(alpha: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SigmoidFocalLoss(gamma: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SigmoidFocalLoss(lossWeight: double.NaN));
        Assert.Throws<ArgumentException>(() => new SigmoidFocalLoss().ElementwiseSoft(Tensor.Zeros(3, 2), Tensor.Zeros(3, 3)));
        Assert.Throws<ArgumentException>(() => SigmoidFocalLoss.OneHot(Tensor.Zeros([2, 2], ScalarType.Int64), 4));
    }
}
