using DynDet.Dynamic;

namespace DynDet.Models;

/// <summary>What a detector's loss sees of the training step it runs in.</summary>
/// <param name="Iteration">Iterations completed before this step (0 for the first).</param>
/// <param name="Statistics">Where the heads publish the step's statistics for the dynamic strategies.</param>
/// <param name="MaxIterations">Iterations of the whole run (T), or 0 when unknown (a bare step outside a run).</param>
public sealed record StepContext(long Iteration, StepStatistics Statistics, long MaxIterations = 0)
{
    /// <summary>
    /// How the processes of a data-parallel run combine values inside the loss (default
    /// <see cref="SingleProcessReducer"/>): the heads whose MMDetection implementation calls <c>reduce_mean</c> on a
    /// loss normaliser (FCOS's number of positives and centerness sum, ATSS's number of samples and box weight sum)
    /// take the mean over processes here, so that the averaged gradient is the one of the whole batch. Every process
    /// must make the same calls in the same order.
    /// </summary>
    public IStatisticReducer Reducer { get; init; } = SingleProcessReducer.Instance;

    /// <summary>
    /// <c>t/T</c>, the fraction of the run done before this step, in [0, 1] (Dynamic ATSS's D_up and D_down).
    /// </summary>
    /// <exception cref="InvalidOperationException">The run's length is unknown (<see cref="MaxIterations"/> 0).</exception>
    public double Progress => MaxIterations > 0
        ? Math.Clamp(Iteration / (double)MaxIterations, 0.0, 1.0)
        : throw new InvalidOperationException("this step does not know the run's length (StepContext.MaxIterations is 0)");
}
