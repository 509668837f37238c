using DynDet.Assignment;
using DynDet.Structures;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

/// <summary>
/// The combined-IoU assignment (SPEC §7.2) against the authors' <c>prepare_targets</c> transcribed in
/// tests/fixtures/gen_dynamic_atss.py, on hand cases of a 128×192 image whose P6 and P7 hold fewer anchors than top-k.
/// </summary>
public sealed class DynamicAtssAssignerTests : TorchTest
{
    private static Dictionary<string, Tensor> Load() => FixturePack.Load(TestPaths.Fixture("dynamic_atss", "dynamic_atss.pack"));

    [Theory]
    [InlineData("beat", 1.0, 1.0)]     // predictions equal to the gt on non-positive candidates: they become positives
    [InlineData("useless", 1.0, 1.0)]  // pIoU 0 everywhere: ATSS's assignment
    [InlineData("self", 1.0, 1.0)]     // predictions equal to the anchors: ATSS's positives, doubled values
    [InlineData("ties", 1.0, 1.0)]     // an anchor positive for two gts goes to the larger combined IoU
    [InlineData("random", 1.0, 1.0)]
    [InlineData("dup", 0.3, 1.0)]      // D_up at t/T = 0.3
    [InlineData("ddown", 1.0, 0.4)]    // D_down at 1 − t/T = 0.4
    public void Equals_the_dla_combined_iou_assignment(string name, double predicted, double anchor)
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        var weights = new CombinedIouWeights(predicted, anchor);
        using var result = new AtssAssigner().Assign(f["anchors"], OneStageFixtures.Ints(f["per_level"]), f[name + "_gts"],
            f[name + "_labels"], f[name + "_preds"], weights.IsSum ? null : weights);
        AssignFixtures.SameLongs(f[name + "_gt_inds"], result.GtIndices, name + " gt_inds");
        AssignFixtures.SameLongs(f[name + "_assigned_labels"], result.Labels!, name + " labels");
        TensorAssert.Close(f[name + "_max_overlaps"], result.MaxOverlaps, 1e-6, 0, name + " max_overlaps");
        TensorAssert.Close(f[name + "_thresholds"], result.Thresholds!, 1e-6, 1e-6, name + " thresholds");
        // The soft target the head gives each positive, IoU(its predicted box, its gt), is the DLA code's iou_score.
        var positive = result.GtIndices.Gt(0).NonzeroFlat();
        var gt = result.GtIndices.IndexSelect(0, positive) - 1L;
        var q = BoxOps.AlignedIou(f[name + "_preds"].IndexSelect(0, positive), f[name + "_gts"].IndexSelect(0, gt));
        TensorAssert.Close(f[name + "_iou_score"].IndexSelect(0, positive), q, 1e-6, 1e-6, name + " soft targets");
    }

    [Fact]
    public void Fixture_cases_show_what_their_names_say()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        // beat: every anchor whose prediction is its gt is positive, and ATSS would not have taken it.
        foreach (long a in f["beat_promoted"].ToArray<long>())
        {
            Assert.True(AssignFixtures.At(f["beat_gt_inds"], a) > 0);
            Assert.Equal(0, AssignFixtures.At(f["beat_atss_gt_inds"], a));
        }

        Assert.True(f["useless_gt_inds"].Equal(f["useless_atss_gt_inds"]));
        Assert.True(f["self_gt_inds"].Equal(f["self_atss_gt_inds"]));
        Assert.False(f["random_gt_inds"].Equal(f["ddown_gt_inds"]));
        // ties: the combined IoU sends the anchor to another gt than its anchor IoU would.
        long tied = f["ties_anchor"].ToArray<long>()[0];
        Assert.NotEqual(AssignFixtures.At(f["ties_anchor_gt"], 0), AssignFixtures.At(f["ties_gt_inds"], tied));
        Assert.True(OneStageFixtures.Ints(f["per_level"])[^1] < 9);
    }

    [Fact]
    public void Predictions_equal_to_the_anchors_select_atss_positives_with_doubled_ious_and_thresholds()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        var anchors = f["anchors"];
        var perLevel = OneStageFixtures.Ints(f["per_level"]);
        var assigner = new AtssAssigner();
        using var plain = assigner.Assign(anchors, perLevel, f["random_gts"], f["random_labels"]);
        using var dynamic = assigner.Assign(anchors, perLevel, f["random_gts"], f["random_labels"], anchors);
        Assert.True(dynamic.GtIndices.Equal(plain.GtIndices));
        Assert.True(dynamic.Labels!.Equal(plain.Labels!));
        var positive = plain.GtIndices.Gt(0);
        TensorAssert.Close(plain.MaxOverlaps.Index(positive) * 2.0, dynamic.MaxOverlaps.Index(positive), 1e-6, 0, "doubled IoUs");
        TensorAssert.Close(plain.Thresholds! * 2.0, dynamic.Thresholds!, 1e-6, 1e-6, "doubled thresholds");
    }

    [Fact]
    public void A_zero_weight_on_the_predicted_ious_is_exactly_atss()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        var perLevel = OneStageFixtures.Ints(f["per_level"]);
        var assigner = new AtssAssigner();
        using var plain = assigner.Assign(f["anchors"], perLevel, f["random_gts"], f["random_labels"]);
        // D_up at the first iteration (t/T = 0): the predictions take no part.
        using var dUp = assigner.Assign(f["anchors"], perLevel, f["random_gts"], f["random_labels"], f["random_preds"],
            new CombinedIouWeights(0.0, 1.0));
        Assert.True(dUp.GtIndices.Equal(plain.GtIndices));
        TensorAssert.Close(plain.MaxOverlaps, dUp.MaxOverlaps, 0, 0, "max_overlaps");
        TensorAssert.Close(plain.Thresholds!, dUp.Thresholds!, 0, 0, "thresholds");
    }

    [Fact]
    public void No_gts_make_every_anchor_negative_with_no_thresholds()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        using var result = new AtssAssigner().Assign(f["anchors"], OneStageFixtures.Ints(f["per_level"]), f["empty_gts"],
            f["empty_labels"], f["empty_preds"]);
        AssignFixtures.SameLongs(f["empty_gt_inds"], result.GtIndices, "gt_inds");
        AssignFixtures.SameLongs(f["empty_assigned_labels"], result.Labels!, "labels");
        TensorAssert.Close(f["empty_max_overlaps"], result.MaxOverlaps, 0, 0, "max_overlaps");
        Assert.Equal(0, result.Thresholds!.Size(0));
    }

    [Fact]
    public void Negative_weights_are_refused()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        Assert.Throws<ArgumentOutOfRangeException>(() => new AtssAssigner().Assign(f["anchors"], OneStageFixtures.Ints(f["per_level"]),
            f["random_gts"], f["random_labels"], f["random_preds"], new CombinedIouWeights(-0.1, 1.0)));
    }
}
