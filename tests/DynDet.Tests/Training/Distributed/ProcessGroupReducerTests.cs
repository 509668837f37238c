using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Distributed;
using DynDet.Training.Distributed;

namespace DynDet.Tests.Training.Distributed;

/// <summary>The data-parallel reducers on two ranks over 127.0.0.1 (two threads of this process, each its own group member).</summary>
public sealed class ProcessGroupReducerTests : TorchTest
{
    [Theory]
    [InlineData(8L)]
    [InlineData(ProcessGroupGradients.DefaultBucketBytes)]
    public void Gradients_end_as_the_average_over_ranks_whatever_the_buckets(long bucketBytes)
    {
        var results = TwoRanks.Run((group, rank) =>
        {
            using var scope = Engine.NewDisposeScope();
            float k = rank + 1;
            var a = Tensor.FromArray(new float[] { k, 2 * k, 3 * k });
            var b = Tensor.FromArray(new float[] { 10 * k, 20 * k, 30 * k, 40 * k }, 2, 2);
            var c = Tensor.FromArray(new double[] { rank == 0 ? 1.0 : 3.0 });
            new ProcessGroupGradients(group, bucketBytes).Reduce([a, b, c]);
            Assert.Equal([2L, 2L], b.Shape);
            return a.ToArray<float>().Concat(b.ToArray<float>()).Select(v => (double)v).Concat(c.ToArray<double>()).ToArray();
        });
        foreach (var r in results)
        {
            Assert.Equal([1.5, 3, 4.5, 15, 30, 45, 60, 2], r);
        }
    }

    [Fact]
    public void A_statistic_reduces_to_its_mean_over_ranks_without_changing_the_input()
    {
        var results = TwoRanks.Run((group, rank) =>
        {
            using var scope = Engine.NewDisposeScope();
            var statistic = Tensor.FromArray(new float[] { rank, 4 });
            var mean = new ProcessGroupStatistics(group).Mean(statistic);
            return mean.ToArray<float>().Concat(statistic.ToArray<float>()).ToArray();
        });
        Assert.Equal([0.5f, 4f, 0f, 4f], results[0]);
        Assert.Equal([0.5f, 4f, 1f, 4f], results[1]);
    }
}
