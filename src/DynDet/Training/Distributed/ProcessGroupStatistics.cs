using DynDet.Dynamic;
using DynDet.Torch;
using DynDet.Torch.Distributed;

namespace DynDet.Training.Distributed;

/// <summary>The statistic reducer of a data-parallel run: the mean over the group by one all-reduce (sum, then ÷ world size).</summary>
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
}
