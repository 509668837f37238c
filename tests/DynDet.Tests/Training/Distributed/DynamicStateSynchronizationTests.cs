using DynDet.Config;
using DynDet.Dynamic;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Distributed;
using DynDet.Training.Distributed;

namespace DynDet.Tests.Training.Distributed;

/// <summary>
/// Dynamic R-CNN's DLA and DSL on two ranks (each seeing one image's statistics per iteration) end with the same T
/// and β on both ranks as one process seeing both images' statistics.
/// </summary>
public sealed class DynamicStateSynchronizationTests : TorchTest
{
    private const int Iterations = 24;
    private const int Interval = 4;
    private const int Proposals = 120;

    /// <summary>One image's statistics of one iteration: its proposals' max IoUs and its sampled positives' targets (P, 4).</summary>
    private sealed record ImageStatistics(float[] MaxOverlaps, float[] PositiveTargets, float[] RegressionErrors)
    {
        public int Positives => PositiveTargets.Length / 4;
    }

    /// <summary>
    /// [iteration][image] statistics; image 1 has no positives every third iteration, and neither image at iteration
    /// 5, so that a rank without positives and an iteration without any are both exercised.
    /// </summary>
    private static ImageStatistics[][] MakeStatistics()
    {
        var random = new Random(17);
        var result = new ImageStatistics[Iterations][];
        for (int t = 0; t < Iterations; t++)
        {
            result[t] = new ImageStatistics[2];
            for (int i = 0; i < 2; i++)
            {
                int positives = t == 5 || (i == 1 && t % 3 == 0) ? 0 : random.Next(1, 25);
                var overlaps = Enumerable.Range(0, Proposals).Select(_ => (float)random.NextDouble()).ToArray();
                var targets = Enumerable.Range(0, positives * 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                var errors = Enumerable.Range(0, Proposals).Select(_ => (float)random.NextDouble()).ToArray();
                result[t][i] = new ImageStatistics(overlaps, targets, errors);
            }
        }

        return result;
    }

    /// <summary>Runs DLA and DSL over <paramref name="images"/>' statistics of every iteration; returns (T, β) after each iteration.</summary>
    private static (double T, double Beta)[] Run(ImageStatistics[][] statistics, int[] images, IStatisticReducer reducer, DynamicRcnnVariant variant)
    {
        using var dla = new DynamicLabelAssignment(0.5, floor: 0.4, topK: 20, interval: Interval, variant: variant);
        using var dsl = new DynamicSmoothL1(1.0, topKPerImage: 5, interval: Interval, variant: variant);
        var trace = new (double, double)[Iterations];
        for (int t = 0; t < Iterations; t++)
        {
            using var scope = Engine.NewDisposeScope();
            using var step = new StepStatistics(images.Length);
            var mine = images.Select(i => statistics[t][i]).ToArray();
            step.Publish($"roi_head.{DynamicRcnnStatistics.MaxOverlaps}", [.. mine.Select(s => Tensor.FromArray(s.MaxOverlaps))]);
            step.Publish($"roi_head.{DynamicRcnnStatistics.PositiveTargets}",
                Tensor.FromArray(mine.SelectMany(s => s.PositiveTargets).ToArray(), mine.Sum(s => s.Positives), 4));
            step.Publish($"roi_head.{DynamicRcnnStatistics.RegressionErrors}", Tensor.FromArray(mine.SelectMany(s => s.RegressionErrors).ToArray()));
            foreach (ITrainingStrategy strategy in new ITrainingStrategy[] { dla, dsl })
            {
                strategy.Observe(step);
                strategy.Synchronize(reducer);
                strategy.Update(t + 1);
            }

            trace[t] = (dla.Threshold, dsl.Beta);
        }

        return trace;
    }

    [Theory]
    [InlineData(DynamicRcnnVariant.Mmdet)]
    [InlineData(DynamicRcnnVariant.Original)]
    public void Two_ranks_end_with_the_same_threshold_and_beta_as_one_process_over_the_same_statistics(DynamicRcnnVariant variant)
    {
        var statistics = MakeStatistics();
        var single = Run(statistics, [0, 1], SingleProcessReducer.Instance, variant);
        var ranks = TwoRanks.Run((group, rank) => Run(statistics, [rank], new ProcessGroupStatistics(group), variant));
        // Both moved (the test would pass vacuously otherwise).
        Assert.NotEqual(0.5, single[^1].T);
        Assert.NotEqual(1.0, single[^1].Beta);
        Assert.Equal(ranks[0], ranks[1]);
        for (int t = 0; t < Iterations; t++)
        {
            // DLA's MMDetection statistic is a mean over images (the ranks' means, in float32); DSL's β and the
            // original DLA statistic are order statistics of the pooled batch, exactly the single process's.
            Assert.Equal(single[t].T, ranks[0][t].T, 1e-6);
            Assert.Equal(single[t].Beta, ranks[0][t].Beta);
        }
    }

    [Fact]
    public void A_pooled_order_statistic_is_the_kth_smallest_of_every_ranks_values_and_nan_without_any()
    {
        var results = TwoRanks.Run((group, rank) =>
        {
            using var scope = Engine.NewDisposeScope();
            var reducer = new ProcessGroupStatistics(group);
            var values = rank == 0 ? new float[] { 0.9f, 0.1f, 0.5f } : new float[] { 0.3f };
            double third = PooledOrderStatistic.KthSmallest(Tensor.FromArray(values), 3, reducer).ToDouble();
            // k beyond the pooled count: the largest value (min(k, n)-th), as KthSmallest of one process.
            double beyond = PooledOrderStatistic.KthSmallest(Tensor.FromArray(values), 10, reducer).ToDouble();
            double none = PooledOrderStatistic.KthSmallest(Tensor.FromArray(Array.Empty<float>()), 2, reducer).ToDouble();
            return (third, beyond, none);
        });
        foreach (var (third, beyond, none) in results)
        {
            Assert.Equal(0.5, third, 6);
            Assert.Equal(0.9, beyond, 6);
            Assert.True(double.IsNaN(none));
        }
    }
}
