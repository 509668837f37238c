using DynDet.Dynamic;
using DynDet.Torch;
using DynDet.Torch.Distributed;

namespace DynDet.Training.Distributed;

/// <summary>
/// The statistic reducer of a data-parallel run: the mean over the group by one all-reduce (sum, then ÷ world size),
/// the pooled values by one all-gather.
/// </summary>
public sealed class ProcessGroupStatistics(ProcessGroup group) : IStatisticReducer
{
    /// <inheritdoc />
    public int WorldSize => group.WorldSize;

    /// <inheritdoc />
    public Tensor Mean(Tensor statistic)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        var sum = statistic.Detach().Clone().Contiguous();
        group.AllReduce(sum);
        return sum.Div_(group.WorldSize);
    }

    /// <inheritdoc />
    public Tensor Gather(Tensor statistic)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        using var scope = Engine.NewDisposeScope();
        var parts = group.AllGather(statistic.Detach().Contiguous());
        return scope.MoveToOuter(Tensor.Cat(parts));
    }
}
