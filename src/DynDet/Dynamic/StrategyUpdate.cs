namespace DynDet.Dynamic;

/// <summary>One update of a strategy, for the progress line and <c>metrics.json</c>.</summary>
/// <param name="Strategy">The strategy's name.</param>
/// <param name="Iteration">The training iteration (1-based count of iterations done) at which it happened.</param>
/// <param name="Values">The values in effect from the next iteration on.</param>
/// <param name="Statistic">The summary of the history that produced them (mean IoU, median β, ...).</param>
/// <param name="Samples">How many statistics the history held.</param>
public sealed record StrategyUpdate(
    string Strategy,
    long Iteration,
    IReadOnlyDictionary<string, double> Values,
    double Statistic,
    int Samples);
