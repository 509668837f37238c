using DynDet.Dynamic;

namespace DynDet.Models;

/// <summary>What a detector's loss sees of the training step it runs in.</summary>
/// <param name="Iteration">Iterations completed before this step (0 for the first).</param>
/// <param name="Statistics">Where the heads publish the step's statistics for the dynamic strategies.</param>
/// <param name="MaxIterations">Iterations of the whole run (T), or 0 when unknown (a bare step outside a run).</param>
public sealed record StepContext(long Iteration, StepStatistics Statistics, long MaxIterations = 0)
{
    /// <summary>
    /// <c>t/T</c>, the fraction of the run done before this step, in [0, 1] (Dynamic ATSS's D_up and D_down).
    /// </summary>
    /// <exception cref="InvalidOperationException">The run's length is unknown (<see cref="MaxIterations"/> 0).</exception>
    public double Progress => MaxIterations > 0
        ? Math.Clamp(Iteration / (double)MaxIterations, 0.0, 1.0)
        : throw new InvalidOperationException("this step does not know the run's length (StepContext.MaxIterations is 0)");
}
