using DynDet.Losses;
using DynDet.TestSupport;
using DynDet.Torch;
using static DynDet.Tests.Losses.OneStageLossFixtures;

namespace DynDet.Tests.Losses;

public sealed class IouLossTests : TorchTest
{
    [Fact]
    public void Elementwise_losses_equal_mmdetection_and_torchvision_on_degenerate_pairs_too()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load("iou");
        var pred = f["pred"];
        var target = f["target"];
        TensorAssert.Close(f["mm_iou_none"], new IouLoss().Elementwise(pred, target), 1e-6, 1e-5, "iou loss");
        var giouFunction = new GiouLoss(GiouLoss.FunctionEps).Elementwise(pred, target);
        TensorAssert.Close(f["mm_giou_none"], giouFunction, 1e-6, 1e-5, "mmdet giou_loss (eps 1e-7)");
        TensorAssert.Close(f["tv_giou_none"], giouFunction, 1e-6, 1e-5, "torchvision generalized_box_iou_loss");
        TensorAssert.Close(f["mm_giou_e6_none"], new GiouLoss().Elementwise(pred, target), 1e-6, 1e-5,
            "mmdet GIoULoss module (eps 1e-6)");
    }

    [Fact]
    public void Weighted_reductions_and_gradients_equal_mmdetection_and_torchvision()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load("iou");
        var x = f["pred"].RequiresGrad_();
        var target = f["target"];
        var weights = f["weights"];
        var avg = f["avg_factor"];
        CheckReduced(f, "mm_iou", new IouLoss().Compute(x, target, weights, avg), x);
        CheckReduced(f, "mm_giou", new GiouLoss(GiouLoss.FunctionEps).Compute(x, target, weights, avg), x);
        CheckReduced(f, "mm_giou_e6", new GiouLoss().Compute(x, target, weights, avg), x);

        new GiouLoss(GiouLoss.FunctionEps).Elementwise(x, target, weights).Sum().Backward();
        TensorAssert.Close(f["tv_giou_weighted_sum_grad"], GradOf(x), 1e-7, 1e-5, "torchvision gradient");
        x.Grad = null;

        TensorAssert.Close(f["mm_iou_mean"], LossReduction.WeightReduce(IouLoss.Loss(f["pred"], target), weights), 1e-6, 1e-5,
            "mean without an avg factor");
    }

    [Fact]
    public void Levels_sum_to_the_reduced_loss()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load("iou");
        var (pred, target, weights, avg, ids) = (f["pred"], f["target"], f["weights"], f["avg_factor"], f["level_ids"]);
        var iou = new IouLoss().ComputePerLevel(pred, target, weights, avg, ids, 5);
        TensorAssert.Close(f["mm_iou_levels"], iou, 1e-6, 1e-5, "iou per level");
        TensorAssert.Close(new IouLoss().Compute(pred, target, weights, avg), iou.Sum(), 1e-6, 1e-6, "Σ iou levels");
        var giou = new GiouLoss(GiouLoss.FunctionEps).ComputePerLevel(pred, target, weights, avg, ids, 5);
        TensorAssert.Close(f["mm_giou_levels"], giou, 1e-6, 1e-5, "giou per level");
        TensorAssert.Close(new GiouLoss(GiouLoss.FunctionEps).Compute(pred, target, weights, avg), giou.Sum(), 1e-6, 1e-6,
            "Σ giou levels");
        TensorAssert.Close(f["mm_giou_e6_levels"], new GiouLoss().ComputePerLevel(pred, target, weights, avg, ids, 5), 1e-6,
            1e-5, "giou (eps 1e-6) per level");
    }

    [Fact]
    public void Hand_computed_values_from_the_formulas()
    {
        using var scope = Engine.NewDisposeScope();
        // pair 0: inter 50, union 150, enclosing 150 → IoU ⅓; pair 1: disjoint, union 300, enclosing 30·40 = 1200
        var pred = Tensor.FromArray(new float[] { 0, 0, 10, 10, 0, 0, 10, 10 }, 2, 4);
        var target = Tensor.FromArray(new float[] { 5, 0, 15, 10, 20, 20, 30, 40 }, 2, 4);
        TensorAssert.Close(Tensor.FromArray(new float[] { (float)Math.Log(3), (float)-Math.Log(1e-6) }),
            new IouLoss().Elementwise(pred, target), 1e-6, 1e-6, "−ln IoU, IoU clamped at 1e-6");
        TensorAssert.Close(Tensor.FromArray(new float[] { 2f / 3, 1.75f }), new GiouLoss().Elementwise(pred, target), 1e-6,
            1e-6, "1 − GIoU");
        // loss weight 2 (ATSS, GFL) and a (N, 4) weight averaged over the coordinates, as MMDetection does
        var weight4 = Tensor.FromArray(new float[] { 1, 1, 1, 1, 0, 0, 0, 2 }, 2, 4);
        TensorAssert.Close(Tensor.FromArray(new float[] { 4f / 3, 1.75f }),
            new GiouLoss(lossWeight: 2.0).Elementwise(pred, target, weight4), 1e-6, 1e-6, "weights (N, 4)");
        // a double avg factor and a tensor one agree; the result stays float32
        var byDouble = new GiouLoss().Compute(pred, target, null, Tensor.ScalarTensor(4.0, ScalarType.Float64));
        Assert.Equal(ScalarType.Float32, byDouble.Dtype);
        Assert.Equal((2.0 / 3 + 1.75) / 4, byDouble.ToDouble(), 6);
        // identical boxes: zero loss
        Assert.Equal(0.0, new GiouLoss().Elementwise(pred.Narrow(0, 0, 1), pred.Narrow(0, 0, 1)).Abs().Max().ToDouble(), 7);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        using var scope = Engine.NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => new IouLoss(eps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GiouLoss(lossWeight: -1));
        Assert.Throws<ArgumentException>(() => new GiouLoss().Elementwise(Tensor.Zeros(3, 4), Tensor.Zeros(2, 4)));
        Assert.Throws<ArgumentException>(() => new IouLoss().Elementwise(Tensor.Zeros(3, 5), Tensor.Zeros(3, 5)));
    }

    private static void CheckReduced(Dictionary<string, Tensor> f, string key, Tensor reduced, Tensor leaf)
    {
        Assert.Empty(reduced.Shape);
        TensorAssert.Close(f[key + "_reduced"], reduced, 1e-6, 1e-5, key);
        reduced.Backward();
        TensorAssert.Close(f[key + "_reduced_grad"], GradOf(leaf), 1e-7, 1e-5, key + " gradient");
        leaf.Grad = null;
    }
}
