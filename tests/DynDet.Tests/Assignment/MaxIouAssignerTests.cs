using DynDet.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

public sealed class MaxIouAssignerTests : TorchTest
{
    public static TheoryData<string, string> MMDetectionCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string scene in new[] { "sparse", "dense" })
        {
            foreach (string config in new[] { "rpn", "rcnn", "retina", "first_only", "neg_range" })
            {
                data.Add(scene, config);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MMDetectionCases))]
    public void Equals_mmdetection_max_iou_assigner(string scene, string config)
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("assign");
        var options = config switch
        {
            "rpn" => MaxIouAssignerOptions.Rpn,
            "rcnn" => MaxIouAssignerOptions.RCnn,
            "retina" => new MaxIouAssignerOptions { PosIouThr = 0.5, NegIouThr = 0.4, MinPosIou = 0 },
            "first_only" => MaxIouAssignerOptions.Rpn with { MinPosIou = 0.1, GtMaxAssignAll = false },
            _ => new MaxIouAssignerOptions { PosIouThr = 0.6, NegIouLow = 0.1, NegIouThr = 0.3, MinPosIou = 0.2 },
        };
        using var result = new MaxIouAssigner(options).Assign(f[scene + "_boxes"], f[scene + "_gts"], f[scene + "_labels"]);
        string prefix = $"{scene}_mm_{config}_";
        AssignFixtures.SameLongs(f[prefix + "gt_inds"], result.GtIndices, prefix + "gt_inds");
        AssignFixtures.SameLongs(f[prefix + "labels"], result.Labels!, prefix + "labels");
        TensorAssert.Close(f[prefix + "max_overlaps"], result.MaxOverlaps, 0, 0, prefix + "max_overlaps");
        Assert.Equal(f[scene + "_gts"].Size(0), result.NumGts);
    }

    [Theory]
    [InlineData("sparse")]
    [InlineData("dense")]
    public void TorchVision_low_quality_rule_equals_its_matcher(string scene)
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("assign");
        foreach (var (name, options) in new[]
                 {
                     ("tv_rpn", MaxIouAssignerOptions.TorchVisionRpn),
                     ("tv_rcnn", MaxIouAssignerOptions.TorchVisionRCnn),
                     ("tv_mid", MaxIouAssignerOptions.TorchVisionRpn with { PosIouThr = 0.5, NegIouThr = 0.4 }),
                 })
        {
            using var result = new MaxIouAssigner(options).Assign(f[scene + "_boxes"], f[scene + "_gts"]);
            AssignFixtures.SameLongs(f[$"{scene}_{name}"], result.ToMatcherIndices(), $"{scene} {name}");
        }

        // The dense scene is where the two low-quality rules part: MMDetection's rule must not pass as torchvision's.
        if (scene == "dense")
        {
            using var mm = new MaxIouAssigner(MaxIouAssignerOptions.TorchVisionRpn with { LowQualityMatch = LowQualityMatch.MMDetection })
                .Assign(f["dense_boxes"], f["dense_gts"]);
            Assert.False(f["dense_tv_rpn"].Equal(mm.ToMatcherIndices()));
        }
    }

    [Fact]
    public void Low_quality_match_overwrites_a_positive_and_the_later_gt_wins()
    {
        using var scope = Engine.NewDisposeScope();
        // box 0: IoU 0.9 with gt 0 (positive for gt 0 in step 3) but it is gt 1's best box (0.8) → gt 1.
        // box 2: best for gt 2 and gt 3 (0.5 each) → the later, gt 3 (MMDetection); its own argmax, gt 2 (torchvision).
        var overlaps = Tensor.FromArray(new float[]
        {
            0.9f, 0.2f, 0.1f,
            0.8f, 0.3f, 0.05f,
            0.1f, 0.1f, 0.5f,
            0.0f, 0.2f, 0.5f,
        }, 4, 3);
        var options = MaxIouAssignerOptions.Rpn; // pos 0.7, neg 0.3, min_pos 0.3
        using var mm = new MaxIouAssigner(options).AssignWrtOverlaps(overlaps, Tensor.FromArray(new long[] { 10, 11, 12, 13 }));
        Assert.Equal([2L, -1, 4], mm.GtIndices.ToArray<long>());
        Assert.Equal([11L, -1, 13], mm.Labels!.ToArray<long>());
        Assert.Equal([0.9f, 0.3f, 0.5f], mm.MaxOverlaps.ToArray<float>());
        using var tv = new MaxIouAssigner(options with { LowQualityMatch = LowQualityMatch.TorchVision }).AssignWrtOverlaps(overlaps);
        Assert.Equal([1L, -1, 3], tv.GtIndices.ToArray<long>());
        Assert.Null(tv.Labels);
        using var off = new MaxIouAssigner(options with { MatchLowQuality = false }).AssignWrtOverlaps(overlaps);
        Assert.Equal([1L, -1, -1], off.GtIndices.ToArray<long>());
    }

    [Fact]
    public void Ties_at_a_gts_best_iou_all_match_only_with_gt_max_assign_all()
    {
        using var scope = Engine.NewDisposeScope();
        var overlaps = Tensor.FromArray(new float[] { 0.4f, 0.4f, 0.1f, 0.1f, 0.2f, 0.35f }, 2, 3);
        using var all = new MaxIouAssigner(MaxIouAssignerOptions.Rpn).AssignWrtOverlaps(overlaps);
        Assert.Equal([1L, 1, 2], all.GtIndices.ToArray<long>());
        using var first = new MaxIouAssigner(MaxIouAssignerOptions.Rpn with { GtMaxAssignAll = false }).AssignWrtOverlaps(overlaps);
        Assert.Equal([1L, -1, 2], first.GtIndices.ToArray<long>()); // box 1 (0.4) stays ignored
        // a gt whose best IoU is below min_pos_iou takes nothing
        using var strict = new MaxIouAssigner(MaxIouAssignerOptions.Rpn with { MinPosIou = 0.38 }).AssignWrtOverlaps(overlaps);
        Assert.Equal([1L, 1, -1], strict.GtIndices.ToArray<long>());
    }

    [Fact]
    public void No_gts_make_every_box_negative_and_no_boxes_give_empty_results()
    {
        using var scope = Engine.NewDisposeScope();
        var boxes = Tensor.FromArray(new float[] { 0, 0, 10, 10, 5, 5, 20, 20 }, 2, 4);
        using var none = new MaxIouAssigner().Assign(boxes, Tensor.Zeros(0, 4), Tensor.Zeros([0], ScalarType.Int64));
        Assert.Equal([0L, 0], none.GtIndices.ToArray<long>());
        Assert.Equal([0f, 0f], none.MaxOverlaps.ToArray<float>());
        Assert.Equal([-1L, -1], none.Labels!.ToArray<long>());
        Assert.Equal(0, none.NumGts);
        using var empty = new MaxIouAssigner().Assign(Tensor.Zeros(0, 4), boxes);
        Assert.Equal(0, empty.NumBoxes);
        Assert.Equal(2, empty.NumGts);
    }

    [Fact]
    public void Add_gt_as_proposals_prepends_the_gts()
    {
        using var scope = Engine.NewDisposeScope();
        var overlaps = Tensor.FromArray(new float[] { 0.6f, 0.2f, 0.45f, 0.1f, 0.7f, 0.3f }, 2, 3);
        using var result = new MaxIouAssigner().AssignWrtOverlaps(overlaps, Tensor.FromArray(new long[] { 5, 7 }));
        Assert.Equal([1L, 2, 0], result.GtIndices.ToArray<long>());
        result.AddGtAsProposals(Tensor.FromArray(new long[] { 5, 7 }));
        Assert.Equal(5, result.NumBoxes);
        Assert.Equal([1L, 2, 1, 2, 0], result.GtIndices.ToArray<long>());
        Assert.Equal([1f, 1f, 0.6f, 0.7f, 0.45f], result.MaxOverlaps.ToArray<float>());
        Assert.Equal([5L, 7, 5, 7, -1], result.Labels!.ToArray<long>());
        Assert.Equal([0L, 1, 0, 1, -1], result.ToMatcherIndices().ToArray<long>());
    }

    [Fact]
    public void Thresholds_can_be_moved_between_calls_as_dynamic_rcnn_does()
    {
        using var scope = Engine.NewDisposeScope();
        var overlaps = Tensor.FromArray(new float[] { 0.55f, 0.45f, 0.62f, 0.2f }, 1, 4);
        var assigner = new MaxIouAssigner(MaxIouAssignerOptions.RCnn);
        using (var before = assigner.AssignWrtOverlaps(overlaps))
        {
            Assert.Equal([1L, 0, 1, 0], before.GtIndices.ToArray<long>());
        }

        assigner.SetIouThreshold(0.6);
        Assert.Equal((0.6, 0.6, 0.6), (assigner.PosIouThr, assigner.NegIouThr, assigner.MinPosIou));
        using (var after = assigner.AssignWrtOverlaps(overlaps))
        {
            Assert.Equal([0L, 0, 1, 0], after.GtIndices.ToArray<long>()); // pos = neg: nothing ignored
        }

        assigner.PosIouThr = 0.7;
        using (var gap = assigner.AssignWrtOverlaps(overlaps))
        {
            Assert.Equal([0L, 0, -1, 0], gap.GtIndices.ToArray<long>()); // 0.62 between neg 0.6 and pos 0.7
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => assigner.SetIouThreshold(double.NaN));
    }
}
