using DynDet.TestSupport;
using DynDet.Torch.NN;

namespace DynDet.Torch.Tests;

/// <summary>Every op family the detectors use, against PyTorch/torchvision outputs on the same inputs.</summary>
public sealed class OpsParityTests : TorchTest
{
    private static Dictionary<string, Tensor> Load() => FixturePack.Load(TestPaths.Fixture("engine", "ops.pack"));

    [Fact]
    public void Interpolate_nearest_and_bilinear_match()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        var x = t["x"];
        TensorAssert.Close(t["nearest"], Functional.Interpolate(x, 9, 13), 0, 0);
        TensorAssert.Close(t["nearest_x2"], Functional.Interpolate(x, 2.0), 0, 0);
        TensorAssert.Close(t["bilinear"], Functional.Interpolate(x, 9, 13, InterpolationMode.Bilinear), 1e-6);
        TensorAssert.Close(t["bilinear_ac"], Functional.Interpolate(x, 9, 13, InterpolationMode.Bilinear, alignCorners: true), 1e-6);
    }

    [Fact]
    public void Grid_sample_matches()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        TensorAssert.Close(t["grid_sample"], Functional.GridSample(t["x"], t["grid"]), 1e-6);
        TensorAssert.Close(t["grid_sample_ac"],
            Functional.GridSample(t["x"], t["grid"], InterpolationMode.Bilinear, PaddingMode.Border, alignCorners: true), 1e-6);
    }

    [Fact]
    public void Pooling_and_group_norm_match()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        TensorAssert.Close(t["max_pool"], Functional.MaxPool2d(t["x"], 3, 2, 1), 0, 0);
        TensorAssert.Close(t["group_norm"], Functional.GroupNorm(t["gn_in"], 3), 1e-6);
    }

    [Fact]
    public void Losses_and_softmax_match()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        var logits = t["logits"];
        TensorAssert.Close(t["ce"], Functional.CrossEntropy(logits, t["labels"]), 1e-6);
        TensorAssert.Close(t["ce_sum"], Functional.CrossEntropy(logits, t["labels"], reduction: Reduction.Sum), 1e-6);
        TensorAssert.Close(t["softmax"], Functional.Softmax(logits, 1), 1e-7);
        TensorAssert.Close(t["log_softmax"], Functional.LogSoftmax(logits, 1), 1e-6);
        TensorAssert.Close(t["bce_logits"],
            Functional.BinaryCrossEntropyWithLogits(logits, t["targets01"], reduction: Reduction.None), 1e-6);
        TensorAssert.Close(t["l1"], Functional.L1Loss(t["pred"], t["tgt"]), 1e-6);
        TensorAssert.Close(t["smooth_l1_b1"], Functional.SmoothL1Loss(t["pred"], t["tgt"], Reduction.Sum, 1.0), 1e-5);
        TensorAssert.Close(t["smooth_l1_b011"],
            Functional.SmoothL1Loss(t["pred"], t["tgt"], Reduction.None, 1.0 / 9), 1e-6);
    }

    [Fact]
    public void TorchVision_roi_align_and_nms_match()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        TensorAssert.Close(t["roi_align"], Functional.RoiAlign(t["feat"], t["rois"], 0.5, 7, 7, 0, aligned: true,
            implementation: RoiAlignImplementation.TorchVision), 1e-6);
        Assert.Equal(t["nms"].ToArray<long>(), Functional.Nms(t["boxes"], t["scores"], 0.5, useTorchVision: true).ToArray<long>());
        Assert.Equal(t["nms"].ToArray<long>(), Functional.Nms(t["boxes"], t["scores"], 0.5).ToArray<long>());
    }

    [Fact]
    public void Selection_ops_match()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        var v = t["v"];
        TensorAssert.Close(t["kth5"], v.KthValue(5).Values, 0, 0);
        TensorAssert.Close(t["median"], v.Median(), 0, 0);
        Assert.Equal(t["topk"].ToArray<long>(), v.TopK(6).Indices.ToArray<long>());
    }

    [Fact]
    public void Native_nms_equals_torchvisions_and_a_capped_run_is_its_prefix()
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(9);
        // Many overlapping boxes, some exact duplicates and tied scores, at several thresholds.
        var corners = Tensor.Rand(3000, 2) * 200;
        var boxes = Tensor.Cat([corners, corners + Tensor.Rand(3000, 2) * 60 + 1], 1);
        boxes = Tensor.Cat([boxes, boxes.Narrow(0, 0, 200)]);
        var scores = (Tensor.Rand(3200) * 50).Round() / 50;
        foreach (double threshold in new[] { 0.3, 0.5, 0.7, 0.85, 0.99 })
        {
            long[] reference = Functional.Nms(boxes, scores, threshold, useTorchVision: true).ToArray<long>();
            Assert.Equal(reference, Functional.Nms(boxes, scores, threshold).ToArray<long>());
            long[] capped = Functional.Nms(boxes, scores, threshold, maxKeep: 137).ToArray<long>();
            Assert.Equal(reference.Take(137), capped);
        }

        Assert.Equal(0, Functional.Nms(Tensor.Zeros(0, 4), Tensor.Zeros(0), 0.5).Size(0));
        var e = Assert.Throws<TorchException>(() => Functional.Nms(Tensor.Zeros(3, 5), Tensor.Zeros(3), 0.5));
        Assert.StartsWith("nms: boxes must be (N, 4)", e.Message, StringComparison.Ordinal);
    }
}
