using DynDet.Dynamic;

namespace DynDet.Models;

/// <summary>What a detector's loss sees of the training step it runs in.</summary>
/// <param name="Iteration">Iterations completed before this step (0 for the first).</param>
/// <param name="Statistics">Where the heads publish the step's statistics for the dynamic strategies.</param>
public sealed record StepContext(long Iteration, StepStatistics Statistics);
