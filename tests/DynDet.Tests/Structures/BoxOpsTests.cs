using DynDet.Structures;
using DynDet.Tests.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Structures;

public sealed class BoxOpsTests : TorchTest
{
    [Fact]
    public void Iou_equals_torchvision_box_iou_where_defined_and_mmdetection_everywhere()
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("iou");
        var iou = BoxOps.Iou(f["a"], f["b"]);
        TensorAssert.Close(f["mm_iou"], iou, 1e-6, 1e-6, "mmdet iou");
        // torchvision divides by the raw union: NaN where it is 0 (a point against itself); MMDetection gives 0.
        var defined = f["tv_iou"].IsNaN().LogicalNot();
        TensorAssert.Close(f["tv_iou"].MaskedSelect(defined), iou.MaskedSelect(defined), 1e-6, 1e-6, "torchvision iou");
        Assert.True(f["tv_iou"].IsNaN().Any().ToBoolean(), "the fixture must hold a zero-union pair");
        Assert.Equal(0.0, iou.Index(f["tv_iou"].IsNaN()).Abs().Max().ToDouble());
        Assert.Equal(1.0, AssignFixtures.At(iou, 0, 1), 6); // identical boxes
    }

    [Fact]
    public void Iof_giou_and_aligned_variants_equal_mmdetection_bbox_overlaps()
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("iou");
        TensorAssert.Close(f["mm_iof"], BoxOps.Iof(f["a"], f["b"]), 1e-6, 1e-6, "iof");
        TensorAssert.Close(f["mm_giou"], BoxOps.Giou(f["a"], f["b"]), 1e-6, 1e-6, "giou");
        TensorAssert.Close(f["tv_giou"], BoxOps.Giou(f["a"].Slice(0, 5, null), f["b"].Slice(0, 3, null)), 1e-6, 1e-6,
            "torchvision generalized_box_iou");
        TensorAssert.Close(f["mm_aligned_iou"], BoxOps.AlignedIou(f["aa"], f["bb"]), 1e-6, 1e-6, "aligned iou");
        TensorAssert.Close(f["mm_aligned_giou"], BoxOps.AlignedGiou(f["aa"], f["bb"]), 1e-6, 1e-6, "aligned giou");
        TensorAssert.Close(f["mm_aligned_iof"], BoxOps.Overlaps(f["aa"], f["bb"], OverlapMode.Iof, aligned: true), 1e-6,
            1e-6, "aligned iof");
    }

    [Fact]
    public void Hand_computed_overlaps_areas_and_batch_dimensions()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensor.FromArray(new float[] { 0, 0, 10, 10, 0, 0, 0, 0 }, 2, 4);
        var b = Tensor.FromArray(new float[] { 5, 0, 15, 10, 20, 20, 30, 40 }, 2, 4);
        TensorAssert.Close(Tensor.FromArray(new float[] { 100, 0 }), BoxOps.Area(a));
        // inter 50, union 150; disjoint 0; a point has union 0 → 0, not NaN
        TensorAssert.Close(Tensor.FromArray(new float[] { 50f / 150, 0, 0, 0 }, 2, 2), BoxOps.Iou(a, b));
        TensorAssert.Close(Tensor.FromArray(new float[] { 0.5f, 0, 0, 0 }, 2, 2), BoxOps.Iof(a, b));
        // giou of (a0, b1): iou 0, enclosing 30×40 = 1200, union 100 + 200 = 300 → −900/1200
        Assert.Equal(-0.75, AssignFixtures.At(BoxOps.Giou(a, b), 0, 1), 6);
        var batched = BoxOps.Iou(Tensor.Stack([a, a]), Tensor.Stack([b, b]));
        Assert.Equal([2L, 2, 2], batched.Shape);
        TensorAssert.Close(BoxOps.Iou(a, b), batched.Select(0, 1));
    }

    [Fact]
    public void Clip_conversions_and_rescale()
    {
        using var scope = Engine.NewDisposeScope();
        var boxes = Tensor.FromArray(new float[] { -5, 3, 120, 90, 10, -2, 20, 300 }, 1, 8); // (1, 4·2)
        TensorAssert.Close(Tensor.FromArray(new float[] { 0, 3, 100, 80, 10, 0, 20, 80 }, 1, 8), BoxOps.Clip(boxes, 80, 100));
        var xyxy = Tensor.FromArray(new float[] { 10, 20, 40, 60 }, 1, 4);
        var xywh = BoxOps.XyxyToXywh(xyxy);
        TensorAssert.Close(Tensor.FromArray(new float[] { 10, 20, 30, 40 }, 1, 4), xywh);
        TensorAssert.Close(xyxy, BoxOps.XywhToXyxy(xywh));
        TensorAssert.Close(Tensor.FromArray(new float[] { 5, 5, 20, 15 }, 1, 4), BoxOps.Rescale(xyxy, 2, 4));
        TensorAssert.Close(Tensor.FromArray(new float[] { 5, 10, 20, 30 }, 1, 4), BoxOps.Rescale(xyxy, 2, 2));
    }

    [Fact]
    public void Wrong_shapes_are_rejected_with_the_shape_in_the_message()
    {
        using var scope = Engine.NewDisposeScope();
        var bad = Tensor.Zeros(3, 5);
        var e = Assert.Throws<ArgumentException>(() => BoxOps.Iou(bad, bad));
        Assert.Contains("[3, 5]", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BoxOps.AlignedIou(Tensor.Zeros(3, 4), Tensor.Zeros(2, 4)));
    }
}
