using DynDet.Structures;
using DynDet.Tests.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Tests.Structures;

public sealed class BatchedNmsTests : TorchTest
{
    [Theory]
    [InlineData("small")]
    [InlineData("large")] // torchvision takes its per-class loop here; the offset trick must agree
    public void Batched_nms_equals_torchvision_and_mmdetection(string name)
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("nms");
        var boxes = f[name + "_boxes"];
        var scores = f[name + "_scores"];
        var ids = f[name + "_idxs"];
        AssignFixtures.SameLongs(f[name + "_keep"], BatchedNms.Apply(boxes, scores, ids, 0.5), name + " torchvision");
        AssignFixtures.SameLongs(f[name + "_keep_mm"], BatchedNms.Apply(boxes, scores, ids, 0.7), name + " mmdetection");
    }

    [Theory]
    [InlineData("shared", 0.05, 0.5, 100, false, false)]
    [InlineData("specific", 0.05, 0.5, 100, true, false)]
    [InlineData("factors", 0.1, 0.6, 30, false, true)]
    [InlineData("all", 0.3, 0.5, -1, true, false)]
    public void Multiclass_nms_equals_mmdetection(string name, double scoreThr, double iouThr, int maxPerImage,
        bool classSpecific, bool factors)
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("nms");
        var (boxes, scores, labels) = BatchedNms.MultiClass(f[classSpecific ? "mc_cls_boxes" : "mc_boxes"], f["mc_scores"],
            scoreThr, iouThr, maxPerImage, factors ? f["mc_factors"] : null);
        TensorAssert.Close(f[$"mc_{name}_boxes"], boxes, 0, 0, name + " boxes");
        TensorAssert.Close(f[$"mc_{name}_scores"], scores, 0, 0, name + " scores");
        AssignFixtures.SameLongs(f[$"mc_{name}_labels"], labels, name + " labels");
    }

    [Fact]
    public void Suppression_stays_within_a_group_and_results_are_sorted_by_score()
    {
        using var scope = Engine.NewDisposeScope();
        var boxes = Tensor.FromArray(new float[] { 0, 0, 10, 10, 1, 0, 11, 10, 0, 0, 10, 10, 50, 50, 60, 60 }, 4, 4);
        var scores = Tensor.FromArray(new float[] { 0.5f, 0.9f, 0.7f, 0.8f });
        var groups = Tensor.FromArray(new long[] { 0, 0, 1, 0 });
        // box 0 overlaps box 1 (IoU 0.82, same group, lower score): dropped; box 2 is alone in group 1
        Assert.Equal([1L, 3, 2], BatchedNms.Apply(boxes, scores, groups, 0.5).ToArray<long>());
        Assert.Equal([1L, 3], BatchedNms.Apply(boxes, scores, groups, 0.5, classAgnostic: true).ToArray<long>());
        Assert.Equal(0, BatchedNms.Apply(Tensor.Zeros(0, 4), Tensor.Zeros(0), Tensor.Zeros([0], ScalarType.Int64), 0.5).NumElements);
        // multiclass: nothing above the threshold gives empty results
        var (b, s, l) = BatchedNms.MultiClass(boxes, Tensor.Full([4, 3], 0.01), 0.05, 0.5, 100);
        Assert.Equal([0L, 4], b.Shape);
        Assert.Equal(0, s.NumElements + l.NumElements);
    }

    [Theory]
    [InlineData(3f, 0.3, new long[] { 0 })] // IoU 0.3f = 0.30000001 > 0.3 in double: torchvision suppresses
    [InlineData(7f, 0.7, new long[] { 0, 1 })] // IoU 0.7f = 0.69999999 < 0.7: torchvision keeps both
    public void A_float_iou_at_the_threshold_is_compared_in_double_as_torchvision_does(float height, double threshold, long[] expected)
    {
        using var scope = Engine.NewDisposeScope();
        var boxes = Tensor.FromArray(new float[] { 0, 0, 10, 10, 0, 0, 10, height }, 2, 4);
        var scores = Tensor.FromArray(new float[] { 0.9f, 0.8f });
        Assert.Equal(expected, Functional.Nms(boxes, scores, threshold).ToArray<long>());
        Assert.Equal(expected, Functional.Nms(boxes, scores, threshold, useTorchVision: true).ToArray<long>());
        // In double the IoU (30/100 or 70/100) equals the threshold exactly: not above it, both kept.
        Assert.Equal([0L, 1], Functional.Nms(boxes.To(ScalarType.Float64), scores.To(ScalarType.Float64), threshold).ToArray<long>());
    }
}
