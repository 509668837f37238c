using DynDet.Dynamic;

namespace DynDet.Training;

/// <summary>What one completed training step produced.</summary>
/// <param name="Losses">Every loss term and the total (<c>loss</c>), read in the step's one host read.</param>
/// <param name="Levels">Each per-level loss term's values by pyramid level, read in the same transfer.</param>
/// <param name="Updates">The strategy updates that fell due after this step.</param>
public sealed record StepOutcome(
    IReadOnlyDictionary<string, double> Losses,
    IReadOnlyDictionary<string, double[]> Levels,
    IReadOnlyList<StrategyUpdate> Updates);
