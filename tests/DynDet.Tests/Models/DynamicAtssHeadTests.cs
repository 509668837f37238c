using DynDet.Config;
using DynDet.Data;
using DynDet.Dynamic;
using DynDet.Models;
using DynDet.Models.DenseHeads;
using DynDet.Models.Detectors;
using DynDet.Structures;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models;

/// <summary>
/// Dynamic ATSS in the ATSS head (SPEC §7.2): the assignment from the head's own predictions, the soft target, the IoU
/// branch, the published statistics and the test-time score rule of the authors' inference.py (transcribed in
/// tests/fixtures/gen_dynamic_atss.py).
/// </summary>
public sealed class DynamicAtssHeadTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];

    private static readonly (long, long)[] Sizes = [(12, 16), (6, 8), (3, 4), (2, 2), (1, 1)];

    private static readonly string[] Dynamic =
    [
        "model.bbox_head.assigner.combined_ious=true", "model.bbox_head.loss_cls.type=qfl", "model.bbox_head.quality_branch=iou",
    ];

    private static Dictionary<string, Tensor> Atss() => FixturePack.Load(TestPaths.Fixture("atss", "atss.pack"));

    private static Dictionary<string, Tensor> Pack() => FixturePack.Load(TestPaths.Fixture("dynamic_atss", "dynamic_atss.pack"));

    private static Tensor[] Levels(Dictionary<string, Tensor> t, string prefix) =>
        Enumerable.Range(0, 5).Select(k => t[$"{prefix}.l{k}"]).ToArray();

    private static SingleStageDetector Model(params string[] overrides) =>
        (SingleStageDetector)DetectorFactory.CreateModel(ConfigLoader.Load("atss_r18_cpu",
        [
            "model.num_classes=3", "model.neck.out_channels=16", "model.bbox_head.feat_channels=32", .. overrides,
        ]), Classes);

    private static DetectionBatch Batch(Dictionary<string, Tensor> t, float scaleX = 1, float scaleY = 1) =>
        TestBatches.Make(96, 128, [t["a.gt0"], t["a.gt1"]], [t["a.gl0"], t["a.gl1"]],
            [((96, 128), (96, 128)), ((60, 70), (64, 72))], scaleX, scaleY);

    // Every anchor's box repeated for the N images (N, A, 4).
    private static Tensor PerImage(Tensor[] anchors, int images)
    {
        var all = Tensor.Cat(anchors);
        return all.Unsqueeze(0).Expand(images, all.Size(0), 4);
    }

    [Fact]
    public void Combined_rule_off_assigns_as_atss_and_with_the_anchors_as_predictions_selects_the_same_positives()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Atss();
        using var plainModel = Model();
        using var dynamicModel = Model(Dynamic);
        var plain = (AtssHead)plainModel.Head;
        using var batch = Batch(t);
        var anchors = Levels(t, "anchors");
        var atss = plain.Targets(anchors, Sizes, batch);
        // The combined rule off: the head's Losses never pass predictions; its targets are the plain ones, which the
        // ATSS parity tests hold to MMDetection's.
        using var qflModel = Model("model.bbox_head.loss_cls.type=qfl");
        var off = ((AtssHead)qflModel.Head).Targets(anchors, Sizes, batch);
        Assert.True(off.Labels.Equal(atss.Labels));
        Assert.True(off.PosIndex.Equal(atss.PosIndex));
        // On, with predictions equal to the anchors: cIoU = 2·aIoU and the threshold doubles, so the positives are ATSS's.
        var on = ((AtssHead)dynamicModel.Head).Targets(anchors, Sizes, batch, PerImage(anchors, 2));
        Assert.True(on.Labels.Equal(atss.Labels));
        Assert.True(on.PosIndex.Equal(atss.PosIndex));
        Assert.True(on.PosGtBoxes.Equal(atss.PosGtBoxes));
        TensorAssert.Close(atss.Thresholds! * 2.0, on.Thresholds!, 1e-6, 1e-6, "thresholds");
    }

    [Fact]
    public void Zero_deltas_predict_the_anchors_so_dynamic_atss_with_focal_and_centerness_has_atss_losses()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Atss();
        using var plainModel = Model();
        using var dynamicModel = Model("model.bbox_head.assigner.combined_ious=true");
        using var batch = Batch(t);
        var anchors = Levels(t, "anchors");
        var zeros = Levels(t, "a.reg").Select(d => Tensor.ZerosLike(d)).ToArray();
        var plain = ((AtssHead)plainModel.Head).Losses(Levels(t, "a.cls"), zeros, Levels(t, "a.ctr"), anchors, Sizes, batch);
        var dynamic = ((AtssHead)dynamicModel.Head).Losses(Levels(t, "a.cls"), zeros, Levels(t, "a.ctr"), anchors, Sizes, batch);
        TensorAssert.Close(plain.Classification, dynamic.Classification, 0, 0, "loss_cls");
        TensorAssert.Close(plain.Box, dynamic.Box, 0, 0, "loss_bbox");
        TensorAssert.Close(plain.Centerness, dynamic.Centerness, 0, 0, "loss_centerness");
    }

    [Fact]
    public void The_iou_branch_learns_each_positives_predicted_iou_and_weights_giou_by_it()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Atss();
        using var model = Model(Dynamic);
        var head = (AtssHead)model.Head;
        using var batch = Batch(t);
        var anchors = Levels(t, "anchors");
        var (cls, box, iou) = head.Losses(Levels(t, "a.cls"), Levels(t, "a.reg"), Levels(t, "a.ctr"), anchors, Sizes, batch);

        // Independently: decode every prediction, assign with them, q = IoU(predicted box, gt) of each positive.
        var deltas = Tensor.Cat(Levels(t, "a.reg"), 1).Reshape(-1, 4);
        var coder = new DynDet.Assignment.DeltaXywhBoxCoder(DynDet.Assignment.DeltaXywhBoxCoderOptions.RCnn);
        var all = PerImage(anchors, 2).Reshape(-1, 4);
        var predicted = coder.Decode(all, deltas);
        var targets = head.Targets(anchors, Sizes, batch, predicted.Reshape(2, -1, 4));
        var q = BoxOps.AlignedIou(predicted.IndexSelect(0, targets.PosIndex), targets.PosGtBoxes);
        Assert.True(q.Gt(0.05).Any().ToBoolean());
        double normaliser = targets.PosCount.Sum(p => Math.Max(p, 1));
        var logits = Tensor.Cat(Levels(t, "a.ctr"), 1).Reshape(-1).IndexSelect(0, targets.PosIndex);
        var bce = DynDet.Torch.NN.Functional.BinaryCrossEntropyWithLogits(logits, q, reduction: DynDet.Torch.NN.Reduction.None);
        TensorAssert.Close((bce.Sum() / normaliser).Reshape(1), iou.Sum().Reshape(1), 1e-6, 1e-5, "iou branch BCE to q");
        var target = coder.Decode(targets.PosAnchors, coder.Encode(targets.PosAnchors, targets.PosGtBoxes));
        var giou = DynDet.Losses.GiouLoss.Loss(predicted.IndexSelect(0, targets.PosIndex), target) * 2.0;
        TensorAssert.Close(((giou * q).Sum() / q.Sum().ClampMin(1.0)).Reshape(1), box.Sum().Reshape(1), 1e-6, 1e-5, "q-weighted GIoU");
        // QFL with target q at the positives' classes.
        var scores = Tensor.Zeros([targets.Labels.Size(0)]).Scatter(0, targets.PosIndex, q);
        var flat = Tensor.Cat(Levels(t, "a.cls"), 1).Reshape(-1, 3);
        var qfl = new DynDet.Losses.QualityFocalLoss().Elementwise(flat, targets.Labels, scores, targets.LabelWeights).Sum();
        TensorAssert.Close((qfl / normaliser).Reshape(1), cls.Sum().Reshape(1), 1e-6, 1e-5, "QFL to q");
    }

    [Fact]
    public void The_step_publishes_the_assignments_sums()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Atss();
        using var model = Model(Dynamic);
        var head = (AtssHead)model.Head;
        using var batch = Batch(t);
        using var statistics = new StepStatistics(2);
        var features = Sizes.Select(s => Tensor.Randn(2, 16, s.Item1, s.Item2)).ToArray();
        _ = head.Loss(features, batch, new StepContext(0, statistics));
        double[] sums = statistics.GetSingle($"{AtssHead.StatisticsSource}.{AssignmentStatistics.Name}").ToArray<double>();
        Assert.Equal(6, sums[0]);   // four gts and two
        Assert.True(sums[1] > 6);
        Assert.InRange(sums[2] / sums[0], 0.1, 2.5);  // combined-IoU thresholds
        Assert.InRange(sums[3] / sums[1], 0.0, 1.0);  // the positives' predicted IoU
        Assert.InRange(sums[4] / sums[1], 0.0, 2.0);  // 1 − GIoU
        var ratios = AssignmentStatistics.Ratios(sums);
        Assert.Equal(sums[1] / 6, ratios[AssignmentStatistics.PositivesPerGt]);
    }

    [Fact]
    public void D_up_needs_the_runs_length()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Atss();
        using var model = Model([.. Dynamic, "model.bbox_head.assigner.balance=d_up"]);
        using var batch = Batch(t);
        using var statistics = new StepStatistics(2);
        var features = Sizes.Select(s => Tensor.Randn(2, 16, s.Item1, s.Item2)).ToArray();
        Assert.Throws<InvalidOperationException>(() => model.Head.Loss(features, batch, new StepContext(3, statistics)));
        var losses = model.Head.Loss(features, batch, new StepContext(3, statistics, MaxIterations: 10));
        Assert.True(losses["loss_cls"].IsFinite().All().ToBoolean());
    }

    [Fact]
    public void Detections_use_the_dla_score_rule_sqrt_of_cls_times_iou_with_the_threshold_on_cls()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Pack();
        using var model = Model([.. Dynamic, "model.bbox_head.test.nms_pre=1000", "model.bbox_head.test.max_per_image=100"]);
        using var batch = Batch(Atss(), scaleX: 0.5f, scaleY: 0.6f);
        var head = (AtssHead)model.Head;
        var detections = head.PostProcess(Levels(t, "test.cls"), Levels(t, "test.reg"), Levels(t, "test.anchors"), batch.Metas,
            Levels(t, "test.iou"), geometricMean: head.Config.QualityBranch == QualityBranch.Iou);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(t[$"test.det{i}.labels"].ToArray<long>(), detections[i].Labels);
            TensorAssert.Close(t[$"test.det{i}.scores"], Tensor.FromArray(detections[i].Scores), 1e-6, 1e-5, $"scores {i}");
            TensorAssert.Close(t[$"test.det{i}.boxes"], Tensor.FromArray(detections[i].Boxes, detections[i].Count, 4), 1e-4, 1e-5,
                $"boxes {i}");
            Assert.Contains(detections[i].Scores, s => s * s < 0.05);  // kept though σ(cls)·σ(iou) is below the threshold
        }
    }
}
