using DynDet.Dynamic;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Dynamic;

/// <summary>The statistics heads publish for the strategies during one step.</summary>
public sealed class StepStatisticsTests : TorchTest
{
    [Fact]
    public void Published_tensors_outlive_the_publishers_scope_and_are_freed_with_the_statistics()
    {
        long before = Engine.LiveTensors;
        using (var statistics = new StepStatistics(2))
        {
            using (Engine.NewDisposeScope())
            {
                statistics.Publish("roi_head.max_overlaps", Tensor.FromArray(new float[] { 0.5f, 0.9f }), Tensor.FromArray(new float[] { 0.7f }));
            }

            var values = statistics.Get("roi_head.max_overlaps");
            Assert.Equal([0.5f, 0.9f], values[0].ToArray<float>());
            Assert.Equal([0.7f], values[1].ToArray<float>());
            Assert.Equal(2, statistics.Images);
        }

        Assert.Equal(before, Engine.LiveTensors);
    }

    [Fact]
    public void A_name_is_published_once_and_a_missing_name_lists_what_was_published()
    {
        using var scope = Engine.NewDisposeScope();
        using var statistics = new StepStatistics(1);
        statistics.Publish("roi_head.positive_targets", Tensor.Zeros([0, 4]));
        Assert.Throws<InvalidOperationException>(() => statistics.Publish("roi_head.positive_targets", Tensor.Zeros([0, 4])));
        var e = Assert.Throws<InvalidOperationException>(() => statistics.Get("rpn_head.max_overlaps"));
        Assert.Equal("no statistic rpn_head.max_overlaps in this step (published: roi_head.positive_targets)", e.Message);
        Assert.Equal([0L, 4L], statistics.GetSingle("roi_head.positive_targets").Shape);
    }

    [Fact]
    public void Dla_reads_the_published_max_overlaps_of_its_source_and_updates_like_a_recorded_statistic()
    {
        using var scope = Engine.NewDisposeScope();
        using var observed = new DynamicLabelAssignment(0.5, 0.4, topK: 2, interval: 1, source: "roi_head");
        using var recorded = new DynamicLabelAssignment(0.5, 0.4, topK: 2, interval: 1);
        Tensor[] overlaps = [Tensor.FromArray(new float[] { 0.9f, 0.8f, 0.3f }), Tensor.FromArray(new float[] { 0.6f, 0.7f })];
        using (var statistics = new StepStatistics(2))
        {
            statistics.Publish("roi_head.max_overlaps", overlaps);
            observed.Observe(statistics);
            observed.Synchronize(SingleProcessReducer.Instance);
        }

        recorded.Record(DynamicRcnnStatistics.MeanPerImageKthLargestIou(overlaps, 2));
        var a = observed.Update(1)!;
        var b = recorded.Update(1)!;
        // Second largest per image: 0.8 and 0.6, mean 0.7.
        Assert.Equal(0.7, a.Statistic, 6);
        Assert.Equal(b.Statistic, a.Statistic);
        Assert.Equal(observed.Threshold, recorded.Threshold);
    }
}
