using System.Net;
using System.Net.Sockets;
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
        var results = OnTwoRanks((group, rank) =>
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
        var results = OnTwoRanks((group, rank) =>
        {
            using var scope = Engine.NewDisposeScope();
            var statistic = Tensor.FromArray(new float[] { rank, 4 });
            var mean = new ProcessGroupStatistics(group).Mean(statistic);
            return mean.ToArray<float>().Concat(statistic.ToArray<float>()).ToArray();
        });
        Assert.Equal([0.5f, 4f, 0f, 4f], results[0]);
        Assert.Equal([0.5f, 4f, 1f, 4f], results[1]);
    }

    private static T[] OnTwoRanks<T>(Func<ProcessGroup, int, T> body)
    {
        int port = FreePort();
        var results = new T[2];
        var errors = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(rank => new Thread(() =>
        {
            try
            {
                using var group = ProcessGroup.Join("127.0.0.1", port, rank, 2, TimeSpan.FromSeconds(20));
                results[rank] = body(group, rank);
            }
#pragma warning disable CA1031 // rethrown on the test thread below
            catch (Exception e)
#pragma warning restore CA1031
            {
                errors[rank] = e;
            }
        })).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a rank did not finish");
        }

        foreach (var e in errors)
        {
            if (e is not null)
            {
                throw new InvalidOperationException("a rank failed", e);
            }
        }

        return results;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
