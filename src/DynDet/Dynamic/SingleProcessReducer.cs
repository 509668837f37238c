using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>The reducer of a single-process run: the mean over one process is the statistic itself.</summary>
public sealed class SingleProcessReducer : IStatisticReducer
{
    /// <summary>The one instance.</summary>
    public static SingleProcessReducer Instance { get; } = new();

    private SingleProcessReducer()
    {
    }

    /// <inheritdoc />
    public int WorldSize => 1;

    /// <inheritdoc />
    public Tensor Mean(Tensor statistic)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        return statistic.Alias();
    }

    /// <inheritdoc />
    public Tensor Gather(Tensor statistic)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        return statistic.Alias();
    }
}
