using DynDet.Dynamic;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Dynamic;

/// <summary>The update rules of DLA and DSL on hand-computed histories (SPEC §1.2 step 6, §9).</summary>
public sealed class DynamicRcnnRuleTests : TorchTest
{
    private static void Feed(DynamicLabelAssignment dla, IEnumerable<double> values)
    {
        foreach (double v in values)
        {
            using var t = Tensor.ScalarTensor(v);
            dla.Record(t);
        }
    }

    [Fact]
    public void Threshold_becomes_the_mean_of_the_history_every_c_iterations()
    {
        using var dla = new DynamicLabelAssignment(startThreshold: 0.5, floor: 0.4, interval: 4);
        Feed(dla, [0.40, 0.50, 0.60]);
        Assert.Null(dla.Update(3));
        Assert.Equal(0.5, dla.Threshold);
        Feed(dla, [0.70]);
        var update = dla.Update(4);
        Assert.NotNull(update);
        Assert.Equal(0.55, dla.Threshold, 6); // mean, not median (median would be 0.55 too: use an asymmetric set next)
        Feed(dla, [0.41, 0.42, 0.43, 0.94]);
        dla.Update(8);
        Assert.Equal(0.55, dla.Threshold, 6); // (0.41+0.42+0.43+0.94)/4 = 0.55; the median 0.425 would differ
        Assert.Equal(0, dla.HistoryCount); // cleared at each update
    }

    [Fact]
    public void Threshold_never_drops_below_the_floor_and_has_no_upper_clamp()
    {
        using var dla = new DynamicLabelAssignment(0.5, 0.4, interval: 2);
        Feed(dla, [0.1, 0.2]);
        dla.Update(2);
        Assert.Equal(0.4, dla.Threshold, 9);
        Feed(dla, [0.95, 0.99]);
        dla.Update(4);
        Assert.Equal(0.97, dla.Threshold, 6);
    }

    private static void Feed(DynamicSmoothL1 dsl, IEnumerable<double?> values)
    {
        foreach (double? v in values)
        {
            using var t = v is null ? null : Tensor.ScalarTensor(v.Value);
            dsl.Record(t);
        }
    }

    [Fact]
    public void Beta_becomes_the_numpy_median_clamped_to_the_initial_beta()
    {
        using var dsl = new DynamicSmoothL1(initialBeta: 1.0, interval: 4);
        Feed(dsl, [0.9, 0.1, 0.5, 0.3]);
        for (int i = 1; i <= 3; i++)
        {
            Assert.Null(dsl.Update(i));
        }

        dsl.Update(4);
        Assert.Equal(0.4, dsl.Beta, 6); // numpy median of {0.1,0.3,0.5,0.9} averages the middle two
        Feed(dsl, [1.5, 2.0, 3.0, 1.2]);
        for (int i = 5; i <= 8; i++)
        {
            dsl.Update(i);
        }

        Assert.Equal(1.0, dsl.Beta, 9); // min(initial β, median)
    }

    [Fact]
    public void Upper_middle_median_is_the_original_repositorys_rule()
    {
        Assert.Equal(0.5, DynamicSmoothL1.MedianOf([0.9, 0.1, 0.5, 0.3], MedianRule.UpperMiddle));
        Assert.Equal(0.4, DynamicSmoothL1.MedianOf([0.9, 0.1, 0.5, 0.3], MedianRule.Numpy), 9);
        Assert.Equal(0.5, DynamicSmoothL1.MedianOf([0.9, 0.1, 0.5], MedianRule.Numpy));
    }

    [Fact]
    public void A_median_below_1e15_keeps_the_previous_beta()
    {
        using var dsl = new DynamicSmoothL1(1.0, interval: 3);
        Feed(dsl, [0.2, 0.2, 0.2]);
        for (int i = 1; i <= 3; i++)
        {
            dsl.Update(i);
        }

        Assert.Equal(0.2, dsl.Beta, 6);
        Feed(dsl, [0.0, 0.0, 0.5]); // crowded batches: gt-as-proposal rows give exact zeros
        for (int i = 4; i <= 6; i++)
        {
            dsl.Update(i);
        }

        Assert.Equal(0.2, dsl.Beta, 6);
    }

    [Fact]
    public void Iterations_without_positives_add_nothing_and_an_empty_history_keeps_beta()
    {
        using var dsl = new DynamicSmoothL1(1.0, interval: 3);
        Feed(dsl, [null, 0.3, null]);
        Assert.Equal(1, dsl.HistoryCount);
        for (int i = 1; i <= 3; i++)
        {
            dsl.Update(i);
        }

        Assert.Equal(0.3, dsl.Beta, 6); // the update still comes every C iterations
        Feed(dsl, [null, null, null]);
        StrategyUpdate? last = null;
        for (int i = 4; i <= 6; i++)
        {
            last = dsl.Update(i) ?? last;
        }

        Assert.NotNull(last);
        Assert.Equal(0, last.Samples);
        Assert.Equal(0.3, dsl.Beta, 6);
    }

    [Fact]
    public void State_saved_mid_interval_restores_into_an_identical_continuation()
    {
        using var a = new DynamicSmoothL1(1.0, interval: 4);
        using var b = new DynamicSmoothL1(1.0, interval: 4);
        Feed(a, [0.6, 0.2]);
        a.Update(1);
        a.Update(2);
        b.LoadState(a.SaveState());
        foreach (var s in new[] { a, b })
        {
            Feed(s, [0.4, 0.8]);
            s.Update(3);
            s.Update(4);
        }

        Assert.Equal(a.Beta, b.Beta);
        Assert.Equal(0.5, b.Beta, 6);
        using var dla = new DynamicLabelAssignment(0.5, interval: 3);
        Feed(dla, [0.6]);
        using var restored = new DynamicLabelAssignment(0.5, interval: 3);
        restored.LoadState(dla.SaveState());
        Assert.Equal(1, restored.HistoryCount);
    }

    [Fact]
    public void Iou_statistic_pools_proposals_with_the_prepended_gts_per_image_then_averages()
    {
        using var scope = Engine.NewDisposeScope();
        // image 0: two gt rows (IoU 1) prepended to proposals 0.9, 0.3, 0.6; image 1: one gt row, proposals 0.2, 0.8
        var image0 = Tensor.FromArray(new float[] { 1, 1, 0.9f, 0.3f, 0.6f });
        var image1 = Tensor.FromArray(new float[] { 1, 0.2f, 0.8f });
        // k = 3: image 0 → sorted 1,1,0.9 → 0.9; image 1 → 1,0.8,0.2 → 0.2; mean 0.55
        Assert.Equal(0.55, DynamicRcnnStatistics.MeanPerImageKthLargestIou([image0, image1], 3).ToDouble(), 6);
        // k larger than an image's rows takes its smallest: image 1 has 3 rows → 0.2; image 0 k=5 → 0.3
        Assert.Equal((0.3 + 0.2) / 2, DynamicRcnnStatistics.MeanPerImageKthLargestIou([image0, image1], 5).ToDouble(), 6);
        // original: pooled 8 values, k = 2 × 2 = 4th largest → 1,1,1,0.9 → 0.9
        Assert.Equal(0.9, DynamicRcnnStatistics.BatchKthLargestIou([image0, image1], 2).ToDouble(), 6);
    }

    [Fact]
    public void Beta_statistic_uses_dx_dy_of_sampled_positives_only()
    {
        using var scope = Engine.NewDisposeScope();
        var targets = Tensor.FromArray(new float[]
        {
            0, 0, 0, 0,          // a gt-as-proposal row: target exactly 0 (counts, as in MMDetection)
            0.4f, -0.2f, 9, 9,   // e = 0.3 (dw, dh ignored)
            -1, 1, 0, 0,         // e = 1.0
            0.05f, 0.05f, 0, 0,  // a negative: must not count
        }, 4, 4);
        var positive = Tensor.FromArray(new[] { true, true, true, false });
        Assert.Equal(0.3, DynamicRcnnStatistics.KthSmallestRegressionError(targets, positive, 3, 2)!.ToDouble(), 6);
        Assert.Equal(1.0, DynamicRcnnStatistics.KthSmallestRegressionError(targets, positive, 3, 20)!.ToDouble(), 6);
        Assert.Null(DynamicRcnnStatistics.KthSmallestRegressionError(targets, Tensor.Zeros([4], ScalarType.Bool), 0, 2));
    }
}
