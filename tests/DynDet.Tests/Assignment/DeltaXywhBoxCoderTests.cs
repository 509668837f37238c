using DynDet.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

public sealed class DeltaXywhBoxCoderTests : TorchTest
{
    [Fact]
    public void MMDetection_style_encodes_and_decodes_like_delta_xywh_bbox_coder()
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("coder");
        var rpn = new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.Rpn);
        var rcnn = new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.RCnn);
        var odd = new DeltaXywhBoxCoder(new DeltaXywhBoxCoderOptions { Means = [0.1, -0.2, 0.05, 0], Stds = [0.5, 0.25, 0.2, 0.3] });
        TensorAssert.Close(f["mm_rpn_encode"], rpn.Encode(f["props"], f["gts"]), 1e-5, 1e-5, "rpn encode");
        TensorAssert.Close(f["mm_rcnn_encode"], rcnn.Encode(f["props"], f["gts"]), 1e-5, 1e-5, "rcnn encode");
        TensorAssert.Close(f["mm_means_encode"], odd.Encode(f["props"], f["gts"]), 1e-5, 1e-5, "means/stds encode");
        TensorAssert.Close(f["mm_rpn_decode"], rpn.Decode(f["props"], f["deltas4"]), 1e-4, 1e-5, "rpn decode");
        TensorAssert.Close(f["mm_rcnn_decode"], rcnn.Decode(f["props"], f["deltas"]), 1e-4, 1e-5, "class-specific decode");
        TensorAssert.Close(f["mm_rcnn_decode_clip"], rcnn.Decode(f["props"], f["deltas"], (150, 170)), 1e-4, 1e-5, "clipped decode");
        TensorAssert.Close(f["mm_means_decode"], odd.Decode(f["props"], f["deltas"]), 1e-4, 1e-5, "means/stds decode");
    }

    [Fact]
    public void TorchVision_style_encodes_and_decodes_like_its_box_coder()
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("coder");
        foreach (var (name, coder) in new[]
                 {
                     ("tv1", new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.TorchVision(1, 1, 1, 1))),
                     ("tv10", new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.TorchVision(10, 10, 5, 5))),
                 })
        {
            TensorAssert.Close(f[name + "_encode"], coder.Encode(f["props"], f["gts"]), 1e-5, 1e-5, name + " encode");
            TensorAssert.Close(f[name + "_decode"], coder.Decode(f["props"], f["deltas"]), 1e-4, 1e-5, name + " decode");
        }
    }

    [Theory]
    [InlineData(BoxCoderStyle.MMDetection)]
    [InlineData(BoxCoderStyle.TorchVision)]
    public void Decode_inverts_encode(BoxCoderStyle style)
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("coder");
        var coder = new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.RCnn with { Style = style });
        TensorAssert.Close(f["gts"], coder.Decode(f["props"], coder.Encode(f["props"], f["gts"])), 1e-3, 1e-5);
    }

    [Fact]
    public void Decoded_sizes_are_clamped_at_wh_ratio_clip_on_both_sides_in_mmdetection_style_only()
    {
        using var scope = Engine.NewDisposeScope();
        var box = Tensor.FromArray(new float[] { 0, 0, 10, 10, 0, 0, 10, 10 }, 2, 4);
        var deltas = Tensor.FromArray(new float[] { 0, 0, 10, 10, 0, 0, -10, -10 }, 2, 4);
        var mm = new DeltaXywhBoxCoder();
        Assert.Equal(Math.Abs(Math.Log(0.016)), mm.MaxRatio, 12);
        // width 10 grows at most to 10 / 0.016 = 625 and shrinks at most to 10 · 0.016 = 0.16, about centre 5
        TensorAssert.Close(Tensor.FromArray(new float[] { -307.5f, -307.5f, 317.5f, 317.5f, 4.92f, 4.92f, 5.08f, 5.08f }, 2, 4),
            mm.Decode(box, deltas), 1e-3, 1e-5);
        var tv = new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.TorchVision(1, 1, 1, 1));
        float half = 5 * MathF.Exp(-10);
        TensorAssert.Close(Tensor.FromArray(new float[] { -307.5f, -307.5f, 317.5f, 317.5f, 5 - half, 5 - half, 5 + half, 5 + half }, 2, 4),
            tv.Decode(box, deltas), 1e-3, 1e-5);
        // clipped to the image when a shape is given, unless ClipBorder is off
        TensorAssert.Close(Tensor.FromArray(new float[] { 0, 0, 40, 30 }, 1, 4),
            mm.Decode(box.Narrow(0, 0, 1), deltas.Narrow(0, 0, 1), (30, 40)));
        var noClip = new DeltaXywhBoxCoder(new DeltaXywhBoxCoderOptions { ClipBorder = false });
        Assert.Equal(317.5, AssignFixtures.At(noClip.Decode(box, deltas, (30, 40)), 0, 2), 3);
    }

    [Fact]
    public void Encode_of_hand_computed_case_and_bad_options()
    {
        using var scope = Engine.NewDisposeScope();
        var p = Tensor.FromArray(new float[] { 0, 0, 10, 20 }, 1, 4);
        var g = Tensor.FromArray(new float[] { 5, 10, 25, 30 }, 1, 4);
        // centres (5, 10) → (15, 20); sizes (10, 20) → (20, 20): dx = 1, dy = 0.5, dw = ln 2, dh = 0; then / std
        var d = new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.RCnn).Encode(p, g);
        TensorAssert.Close(Tensor.FromArray(new float[] { 10, 5, MathF.Log(2) / 0.2f, 0 }, 1, 4), d);
        Assert.Throws<ArgumentException>(() => new DeltaXywhBoxCoder(new DeltaXywhBoxCoderOptions { Stds = [1, 1, 0, 1] }));
        Assert.Throws<ArgumentException>(() => new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.TorchVision(1, 1, 1, 1) with { Means = [1, 0, 0, 0] }));
        Assert.Throws<ArgumentException>(() => new DeltaXywhBoxCoder().Decode(p, Tensor.Zeros(2, 4)));
    }
}
