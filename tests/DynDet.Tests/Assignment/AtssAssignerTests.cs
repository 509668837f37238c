using DynDet.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

public sealed class AtssAssignerTests : TorchTest
{
    private const float NotPositive = -100000000f;

    // Four 10×10 anchors side by side on one level: centres (5, 5), (15, 5), (25, 5), (35, 5).
    private static Tensor Row() => Tensor.FromArray(new float[] { 0, 0, 10, 10, 10, 0, 20, 10, 20, 0, 30, 10, 30, 0, 40, 10 }, 4, 4);

    [Theory]
    [InlineData("scene")]   // 12 gts over 5 levels
    [InlineData("crowd")]   // 30 gts, where a biased std would assign 3 anchors differently
    [InlineData("grid")]    // gt centres on the anchor grid: equidistant anchors tie for the last top-k places
    [InlineData("ties")]    // anchors positive for two gts: equal IoUs (the first gt wins) and unequal ones
    [InlineData("tiny")]    // a gt smaller than every anchor, and one with no anchor centre inside
    [InlineData("short")]   // P6 and P7 have fewer anchors than top-k
    [InlineData("empty")]   // no gts
    public void Equals_mmdetection_atss_assigner(string name)
    {
        using var scope = Engine.NewDisposeScope();
        var f = OneStageFixtures.Load("atss");
        var assigner = new AtssAssigner();
        using var result = assigner.Assign(f[name + "_anchors"], OneStageFixtures.Ints(f[name + "_per_level"]), f[name + "_gts"],
            f[name + "_labels"]);
        AssignFixtures.SameLongs(f[name + "_gt_inds"], result.GtIndices, name + " gt_inds");
        AssignFixtures.SameLongs(f[name + "_assigned_labels"], result.Labels!, name + " labels");
        TensorAssert.Close(f[name + "_max_overlaps"], result.MaxOverlaps, 0, 0, name + " max_overlaps");
        Assert.Equal(f[name + "_gts"].Size(0), result.NumGts);
    }

    [Fact]
    public void Fixture_scenes_cover_what_their_names_say()
    {
        using var scope = Engine.NewDisposeScope();
        var f = OneStageFixtures.Load("atss");
        Assert.True(f["scene_gt_inds"].Gt(0).Sum().ToInt64() > 20);
        Assert.False(f["crowd_gt_inds"].Equal(f["crowd_biased_gt_inds"]));
        Assert.True(f["ties_pos_count"].Ge(2).Sum().ToInt64() >= 2);
        Assert.Equal(1, AssignFixtures.At(f["ties_gt_inds"], (20 * 52) + 20)); // equal IoUs with gts 0 and 1: gt 0
        Assert.True(f["tiny_gt_inds"].Eq(1).Any().ToBoolean());
        Assert.False(f["tiny_gt_inds"].Eq(3).Any().ToBoolean());
        Assert.True(OneStageFixtures.Ints(f["short_per_level"])[^1] < 9);
        Assert.True(f["empty_gt_inds"].Eq(0).All().ToBoolean());
    }

    [Fact]
    public void Dynamic_atss_with_predicted_boxes_equals_the_dla_transcription()
    {
        using var scope = Engine.NewDisposeScope();
        var f = OneStageFixtures.Load("atss");
        using var result = new AtssAssigner().Assign(f["scene_anchors"], OneStageFixtures.Ints(f["scene_per_level"]), f["scene_gts"],
            f["scene_labels"], f["dynamic_preds"]);
        AssignFixtures.SameLongs(f["dynamic_gt_inds"], result.GtIndices, "dynamic gt_inds");
        AssignFixtures.SameLongs(f["dynamic_assigned_labels"], result.Labels!, "dynamic labels");
        TensorAssert.Close(f["dynamic_max_overlaps"], result.MaxOverlaps, 0, 0, "dynamic max_overlaps");
        Assert.False(result.GtIndices.Equal(f["scene_gt_inds"])); // the predictions changed the assignment
    }

    [Fact]
    public void Threshold_is_mean_plus_unbiased_std_of_the_candidates()
    {
        using var scope = Engine.NewDisposeScope();
        // gt [2, 0, 12, 10]: IoUs with the row are 2/3, 1/9, 0, 0 (nearest first).
        var gt = Tensor.FromArray(new float[] { 2, 0, 12, 10 }, 1, 4);
        var labels = Tensor.FromArray(new long[] { 3 });
        // top-3: mean 7/27, unbiased std √93/27 → thr 0.6164 ≤ 2/3: anchor 0 is positive.
        using var three = new AtssAssigner(new AtssAssignerOptions { TopK = 3 }).Assign(Row(), [4], gt, labels);
        Assert.Equal([1L, 0, 0, 0], three.GtIndices.ToArray<long>());
        Assert.Equal([3L, -1, -1, -1], three.Labels!.ToArray<long>());
        Assert.Equal([2f / 3, NotPositive, NotPositive, NotPositive], three.MaxOverlaps.ToArray<float>());
        // top-2: mean + |2/3 − 1/9| / √2 exceeds both IoUs (a biased std, / 2, would reach exactly 2/3): none.
        using var two = new AtssAssigner(new AtssAssignerOptions { TopK = 2 }).Assign(Row(), [4], gt, labels);
        Assert.Equal([0L, 0, 0, 0], two.GtIndices.ToArray<long>());
        Assert.Equal([-1L, -1, -1, -1], two.Labels!.ToArray<long>());
    }

    [Fact]
    public void A_positive_centre_must_be_inside_the_gt_by_more_than_the_margin()
    {
        using var scope = Engine.NewDisposeScope();
        var labels = Tensor.FromArray(new long[] { 3 });
        var options = new AtssAssignerOptions { TopK = 3 };
        // Anchor 0 (centre x = 5) has IoU ≈ 0.5 ≥ thr in both; its centre is 0.005 (in) or 0.02 (out) from x1.
        using var edge = new AtssAssigner(options).Assign(Row(), [4], Tensor.FromArray(new float[] { 4.995f, 0, 10, 10 }, 1, 4), labels);
        Assert.Equal([0L, 0, 0, 0], edge.GtIndices.ToArray<long>());
        using var inside = new AtssAssigner(options).Assign(Row(), [4], Tensor.FromArray(new float[] { 4.98f, 0, 10, 10 }, 1, 4), labels);
        Assert.Equal([1L, 0, 0, 0], inside.GtIndices.ToArray<long>());
    }

    [Fact]
    public void An_anchor_positive_for_two_gts_takes_the_higher_iou_not_the_first_gt()
    {
        using var scope = Engine.NewDisposeScope();
        // Anchor 0 is positive for both: IoU 1 with [0, 0, 10, 10], 9/11 with [1, 0, 11, 10].
        var gts = Tensor.FromArray(new float[] { 0, 0, 10, 10, 1, 0, 11, 10 }, 2, 4);
        var labels = Tensor.FromArray(new long[] { 3, 4 });
        var assigner = new AtssAssigner(new AtssAssignerOptions { TopK = 3 });
        using var forward = assigner.Assign(Row(), [4], gts, labels);
        Assert.Equal([1L, 0, 0, 0], forward.GtIndices.ToArray<long>());
        Assert.Equal(1f, forward.MaxOverlaps.ToArray<float>()[0]);
        using var reversed = assigner.Assign(Row(), [4], gts.Flip(0), labels.Flip(0));
        Assert.Equal([2L, 0, 0, 0], reversed.GtIndices.ToArray<long>());
        Assert.Equal([3L, -1, -1, -1], reversed.Labels!.ToArray<long>());
    }

    [Fact]
    public void Levels_are_searched_separately_and_a_short_level_gives_all_its_anchors()
    {
        using var scope = Engine.NewDisposeScope();
        // Level 0: the row; level 1: one anchor far away. gt [2, 0, 12, 10], top-2: the candidates are anchors 0, 1
        // (level 0) and anchor 4 (level 1 has 1 < 2 anchors), IoUs 2/3, 1/9, 0: thr 0.6164, anchor 0 positive.
        // Read as one level, the candidates would be anchors 0 and 1 only, and thr above both IoUs: none.
        var anchors = Tensor.Cat([Row(), Tensor.FromArray(new float[] { 100, 0, 110, 10 }, 1, 4)]);
        var gt = Tensor.FromArray(new float[] { 2, 0, 12, 10 }, 1, 4);
        var labels = Tensor.FromArray(new long[] { 7 });
        var assigner = new AtssAssigner(new AtssAssignerOptions { TopK = 2 });
        using var levels = assigner.Assign(anchors, [4, 1], gt, labels);
        Assert.Equal([1L, 0, 0, 0, 0], levels.GtIndices.ToArray<long>());
        using var one = assigner.Assign(anchors, [5], gt, labels);
        Assert.Equal([0L, 0, 0, 0, 0], one.GtIndices.ToArray<long>());
        // Empty levels change nothing.
        using var empty = assigner.Assign(anchors, [0, 4, 0, 1], gt, labels);
        Assert.Equal([1L, 0, 0, 0, 0], empty.GtIndices.ToArray<long>());
    }

    [Fact]
    public void No_gts_make_every_anchor_negative()
    {
        using var scope = Engine.NewDisposeScope();
        using var result = new AtssAssigner().Assign(Row(), [4], Tensor.Zeros(0, 4), Tensor.Zeros([0], ScalarType.Int64));
        Assert.Equal([0L, 0, 0, 0], result.GtIndices.ToArray<long>());
        Assert.Equal([0f, 0, 0, 0], result.MaxOverlaps.ToArray<float>());
        Assert.Equal([-1L, -1, -1, -1], result.Labels!.ToArray<long>());
        Assert.Equal(0, result.NumGts);
    }

    [Fact]
    public void Dynamic_atss_threshold_adds_the_two_stds_not_the_std_of_the_sum()
    {
        using var scope = Engine.NewDisposeScope();
        // gt = anchor 0. Predictions: anchor 1 predicts the gt exactly, the others predict themselves.
        // pIoU = (1, 1, 0), aIoU = (1, 0, 0): thr = (2/3 + 1/3) + (√(1/3) + √(1/3)) = 2.1547 > cIoU 2: no positive
        // (the std of the sum, std(2, 1, 0) = 1, would give thr 2 and make anchor 0 positive).
        var anchors = Row();
        var gt = Tensor.FromArray(new float[] { 0, 0, 10, 10 }, 1, 4);
        var labels = Tensor.FromArray(new long[] { 3 });
        var predicted = Tensor.FromArray(new float[] { 0, 0, 10, 10, 0, 0, 10, 10, 20, 0, 30, 10, 30, 0, 40, 10 }, 4, 4);
        var assigner = new AtssAssigner(new AtssAssignerOptions { TopK = 3 });
        using var dynamic = assigner.Assign(anchors, [4], gt, labels, predicted);
        Assert.Equal([0L, 0, 0, 0], dynamic.GtIndices.ToArray<long>());
        using var plain = assigner.Assign(anchors, [4], gt, labels);
        Assert.Equal([1L, 0, 0, 0], plain.GtIndices.ToArray<long>());
    }

    [Fact]
    public void Dynamic_atss_breaks_ties_by_the_combined_iou()
    {
        using var scope = Engine.NewDisposeScope();
        // gts [0, 0, 10, 9] (aIoU 0.9 with anchor 0) and [0, 0, 10, 14] (aIoU 5/7); anchor 0 predicts the second gt.
        // Both take anchor 0 as positive; plain ATSS gives it gt 0 (0.9 > 0.714), Dynamic ATSS gt 1
        // (cIoU 1 + 5/7 = 1.714 > 9/14 + 0.9 = 1.543), and max_overlaps is the combined IoU.
        var gts = Tensor.FromArray(new float[] { 0, 0, 10, 9, 0, 0, 10, 14 }, 2, 4);
        var labels = Tensor.FromArray(new long[] { 3, 4 });
        var predicted = Tensor.Cat([gts.Narrow(0, 1, 1), Row().Narrow(0, 1, 3)]);
        var assigner = new AtssAssigner(new AtssAssignerOptions { TopK = 3 });
        using var plain = assigner.Assign(Row(), [4], gts, labels);
        Assert.Equal([1L, 0, 0, 0], plain.GtIndices.ToArray<long>());
        Assert.Equal(0.9f, plain.MaxOverlaps.ToArray<float>()[0], 6);
        using var dynamic = assigner.Assign(Row(), [4], gts, labels, predicted);
        Assert.Equal([2L, 0, 0, 0], dynamic.GtIndices.ToArray<long>());
        Assert.Equal([4L, -1, -1, -1], dynamic.Labels!.ToArray<long>());
        Assert.Equal(1 + (5f / 7), dynamic.MaxOverlaps.ToArray<float>()[0], 5);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        using var scope = Engine.NewDisposeScope();
        var gt = Tensor.FromArray(new float[] { 0, 0, 10, 10 }, 1, 4);
        var labels = Tensor.FromArray(new long[] { 3 });
        var assigner = new AtssAssigner();
        Assert.Throws<ArgumentException>(() => assigner.Assign(Row(), [3], gt, labels));
        Assert.Throws<ArgumentException>(() => assigner.Assign(Row(), [5, -1], gt, labels));
        Assert.Throws<ArgumentException>(() => assigner.Assign(Row(), [4], gt, Tensor.FromArray(new long[] { 3, 4 })));
        Assert.Throws<ArgumentException>(() => assigner.Assign(Row(), [4], gt, labels, Tensor.Zeros(3, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AtssAssigner(new AtssAssignerOptions { TopK = 0 }));
    }
}
