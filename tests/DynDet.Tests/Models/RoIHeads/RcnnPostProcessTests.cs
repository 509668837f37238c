using DynDet.Config;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models.RoIHeads;

/// <summary>The R-CNN head's test-time <c>min_box_size</c>: torchvision's <c>remove_small_boxes(boxes, 1e-2)</c> in <c>RoIHeads</c>.</summary>
public sealed class RcnnPostProcessTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];

    private static TwoStageDetector Model(params string[] overrides) => TestDetectors.TwoStage(ConfigLoader.Load("fasterrcnn_r18",
        ["model.num_classes=3", "model.backbone.width=0.25", "model.neck.out_channels=16", "model.roi_head.fc_channels=32", .. overrides]), Classes);

    /// <summary>Detections of three proposals kept as they are (zero deltas), all scoring class a: a normal box, one 0.005 px wide at the right edge, one 0.02 px high.</summary>
    private static float[] Boxes(TwoStageDetector model)
    {
        var proposals = Tensor.FromArray(new float[] { 10, 10, 30, 30, 63.995f, 20, 64, 40, 20, 50, 40, 50.02f }, 3, 4);
        var logits = Tensor.FromArray(new float[] { 5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0 }, 3, 4); // background last
        var deltas = Tensor.Zeros([3, 12]);
        using var batch = TestBatches.Make(64, 64, [Tensor.Zeros([0, 4])], [Tensor.Zeros([0], ScalarType.Int64)]);
        var found = model.RoiHead.PostProcess([proposals], logits, deltas, batch.Metas)[0];
        Assert.All(found.Labels, l => Assert.Equal(0, l));
        return found.Boxes;
    }

    [Fact]
    public void The_torchvision_preset_drops_class_boxes_under_a_hundredth_of_a_pixel_as_roi_heads_does()
    {
        using var scope = Engine.NewDisposeScope();
        using var model = Model();
        float[] boxes = Boxes(model);
        Assert.Equal(8, boxes.Length);
        Assert.Equal(10f, boxes[0], 1e-3f);
        Assert.Equal(50f, boxes[5], 1e-3f); // the 0.02 px high box is kept (>= 0.01), the 0.005 px wide one dropped
        Assert.DoesNotContain(boxes, v => Math.Abs(v - 63.995f) < 1e-3f);
    }

    [Fact]
    public void With_min_box_size_0_every_box_is_kept_as_mmdetection_does()
    {
        using var scope = Engine.NewDisposeScope();
        using var model = Model("model.roi_head.test.min_box_size=0");
        Assert.Equal(12, Boxes(model).Length);
    }
}
