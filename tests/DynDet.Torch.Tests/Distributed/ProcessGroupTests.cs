using System.Diagnostics;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Distributed;
using Xunit;

namespace DynDet.Torch.Tests.Distributed;

/// <summary>
/// c10d's TCPStore + ProcessGroupGloo through the shim, with two ranks on 127.0.0.1 as two threads of this process
/// (each rank has its own store client and gloo connections, as two processes would).
/// </summary>
public sealed class ProcessGroupTests : TorchTest
{
    [Fact]
    public void All_reduce_sums_maxes_and_mins_across_two_ranks()
    {
        var results = TwoRanks.Run((group, rank) =>
        {
            Assert.Equal((rank, 2), (group.Rank, group.WorldSize));
            using var scope = Engine.NewDisposeScope();
            var sum = Tensor.FromArray(new float[] { rank + 1, 10 * (rank + 1) });
            group.AllReduce(sum);
            var max = Tensor.FromArray(new float[] { rank, -rank });
            group.AllReduce(max, ReduceOp.Max);
            var min = Tensor.FromArray(new float[] { rank, -rank });
            group.AllReduce(min, ReduceOp.Min);
            return sum.ToArray<float>().Concat(max.ToArray<float>()).Concat(min.ToArray<float>()).ToArray();
        });
        foreach (var r in results)
        {
            Assert.Equal([3f, 30f, 1f, 0f, 0f, -1f], r);
        }
    }

    [Fact]
    public void Broadcast_gives_every_rank_the_roots_tensor_and_all_gather_every_ranks_in_rank_order()
    {
        var results = TwoRanks.Run((group, rank) =>
        {
            using var scope = Engine.NewDisposeScope();
            var t = Tensor.FromArray(new long[] { 100 + rank, 200 + rank });
            group.Broadcast(t, root: 1);
            var gathered = group.AllGather(Tensor.FromArray(new double[] { rank * 0.5 }));
            group.Barrier();
            return t.ToArray<long>().Select(v => (double)v).Concat(gathered.SelectMany(g => g.ToArray<double>())).ToArray();
        });
        foreach (var r in results)
        {
            Assert.Equal([101.0, 201.0, 0.0, 0.5], r);
        }
    }

    [Fact]
    public void A_rank_that_left_makes_the_others_collective_fail_within_the_timeout_naming_the_operation_and_rank()
    {
        int port = TwoRanks.FreePort();
        var shortTimeout = TimeSpan.FromSeconds(5);
        var clock = Stopwatch.StartNew();
        var leaver = new Thread(() =>
        {
            using var group = ProcessGroup.Join("127.0.0.1", port, 1, 2, shortTimeout);
        });
        leaver.Start();
        using var group = ProcessGroup.Join("127.0.0.1", port, 0, 2, shortTimeout);
        leaver.Join();
        using var scope = Engine.NewDisposeScope();
        var e = Assert.Throws<TorchException>(() => group.AllReduce(Tensor.FromArray(new float[] { 1 })));
        Assert.StartsWith("all_reduce (rank 0 of 2): ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_rendezvous_nobody_else_joins_fails_after_the_timeout_with_one_line()
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<TorchException>(() => ProcessGroup.Join("127.0.0.1", TwoRanks.FreePort(), 0, 2, TimeSpan.FromSeconds(2)));
        Assert.StartsWith("rendezvous at 127.0.0.1:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 30);
    }
}
