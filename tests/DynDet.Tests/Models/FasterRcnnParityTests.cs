using DynDet.Config;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models;

/// <summary>
/// Proposal selection, the RPN loss, R-CNN targets and loss, and test-time post-processing against MMDetection's
/// code transcribed in tests/fixtures/gen_detector.py, on the same inputs and the same random draws.
/// </summary>
public sealed class FasterRcnnParityTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];

    private static TwoStageDetector Model(params string[] overrides) => TestDetectors.TwoStage(ConfigLoader.Load("faster_rcnn_r50_fpn_1x",
    [
        "model.num_classes=3", "model.backbone.depth=18", "model.backbone.width=0.25", "model.neck.out_channels=16",
        "model.roi_head.fc_channels=32",
        "model.rpn.train_proposals.nms_pre=50", "model.rpn.train_proposals.max_per_image=30",
        "model.rpn.test_proposals.nms_pre=50", "model.rpn.test_proposals.max_per_image=30",
        "model.roi_head.sampler.num=64", "model.roi_head.test.max_per_image=20",
        .. overrides,
    ]), Classes);

    private static Dictionary<string, Tensor> Load() => FixturePack.Load(TestPaths.Fixture("detector", "faster_rcnn.pack"));

    private static Tensor[] Levels(Dictionary<string, Tensor> t, string prefix) =>
        Enumerable.Range(0, 5).Select(k => t[$"{prefix}.l{k}"]).ToArray();

    [Fact]
    public void Proposals_are_mmdetections_top_k_per_level_decode_clip_and_nms_within_levels()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        using var batch = TestBatches.Make(64, 64, [t["gt0"], t["gt1"]], [t["gl0"], t["gl1"]],
            [((64, 64), (64, 64)), ((60, 30), (64, 32))]);
        var proposals = model.RpnHead.Proposals(Levels(t, "obj"), Levels(t, "deltas"), Levels(t, "anchors"), batch.Metas,
            model.Config.Model.AsTwoStage().Rpn.TrainProposals);
        TensorAssert.Close(t["rpn.props0"], proposals[0], 1e-5, 0, "image 0");
        TensorAssert.Close(t["rpn.props1"], proposals[1], 1e-5, 0, "image 1 (clipped to 60x30)");
    }

    [Fact]
    public void Rpn_loss_matches_with_valid_flags_sampling_and_the_average_factor()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        using var batch = TestBatches.Make(64, 64, [t["gt0"], t["gt1"]], [t["gl0"], t["gl1"]],
            [((64, 64), (64, 64)), ((60, 30), (64, 32))]);
        var sizes = Enumerable.Range(0, 5).Select(k => (64L >> (k + 2), 64L >> (k + 2))).ToArray();
        Engine.ManualSeed(5);
        var losses = model.RpnHead.Loss(Levels(t, "obj"), Levels(t, "deltas"), Levels(t, "anchors"), sizes, batch);
        TensorAssert.Close(t["rpn.loss_cls"], losses.Objectness.Reshape(1), 1e-6, 1e-6, "loss_rpn_cls");
        TensorAssert.Close(t["rpn.loss_bbox"], losses.Box.Reshape(1), 1e-6, 1e-6, "loss_rpn_bbox");
    }

    [Theory]
    [InlineData("l1", "roi.loss_bbox_l1")]
    [InlineData("smooth_l1", "roi.loss_bbox_sl1")]
    public void Rcnn_targets_and_losses_match(string loss, string expected)
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model($"model.roi_head.loss_box.type={loss}", "model.roi_head.loss_box.beta=0.3");
        using var batch = TestBatches.Make(64, 64, [t["gt0"], t["gt1"]], [t["gl0"], t["gl1"]]);
        Engine.ManualSeed(7);
        var targets = model.RoiHead.SampleTargets([t["roi.prop0"], t["roi.prop1"]], batch);
        TensorAssert.Close(t["roi.rois"], targets.Rois, 0, 0, "sampled RoIs, positives first");
        Assert.Equal(t["roi.labels"].ToArray<long>(), targets.Labels.ToArray<long>());
        TensorAssert.Close(t["roi.targets"], targets.PositiveTargets, 1e-6, 1e-5, "encoded targets");
        var losses = model.RoiHead.Loss(t["roi.logits"], t["roi.deltas"], targets);
        TensorAssert.Close(t["roi.loss_cls"], losses.Classification.Reshape(1), 1e-6, 1e-6, "loss_cls");
        TensorAssert.Close(t[expected], losses.Box.Reshape(1), 1e-6, 1e-6, "loss_bbox");
    }

    [Fact]
    public void Post_processing_decodes_rescales_before_nms_and_keeps_the_best()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        using var batch = TestBatches.Make(64, 64, [t["gt0"], t["gt1"]], [t["gl0"], t["gl1"]],
            [((60, 56), (64, 64)), ((60, 56), (64, 64))], scaleX: 0.5f, scaleY: 0.6f);
        var detections = model.RoiHead.PostProcess([t["pp.prop0"], t["pp.prop1"]], t["pp.logits"], t["pp.deltas"], batch.Metas);
        for (int i = 0; i < 2; i++)
        {
            TensorAssert.Close(t[$"pp.boxes{i}"], Tensor.FromArray(detections[i].Boxes, detections[i].Count, 4), 1e-4, 1e-6, $"boxes {i}");
            TensorAssert.Close(t[$"pp.scores{i}"], Tensor.FromArray(detections[i].Scores), 1e-6, 0, $"scores {i}");
            Assert.Equal(t[$"pp.labels{i}"].ToArray<long>(), detections[i].Labels);
        }
    }
}
