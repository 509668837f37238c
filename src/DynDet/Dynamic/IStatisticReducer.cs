using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// How a strategy's per-step statistics are combined across the processes of a data-parallel run before they
/// enter its history, so every process computes the same update. One process: <see cref="SingleProcessReducer"/>.
/// </summary>
public interface IStatisticReducer
{
    /// <summary>Processes taking part (1 for a single process).</summary>
    int WorldSize { get; }

    /// <summary>The mean of <paramref name="statistic"/> over all processes (a new tensor; no host read).</summary>
    Tensor Mean(Tensor statistic);

    /// <summary>
    /// Every process's <paramref name="statistic"/> (the same shape on all of them) concatenated along dimension 0 in
    /// rank order (a new tensor; no host read): what order statistics of a pooled batch need, which a mean cannot give.
    /// </summary>
    Tensor Gather(Tensor statistic);
}
