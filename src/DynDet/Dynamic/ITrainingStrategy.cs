namespace DynDet.Dynamic;

/// <summary>
/// A dynamic training rule (DESIGN.md, "The Dynamic strategies, one shape"): it reads statistics of each
/// training step, updates its values at its own interval, exposes the current values to the component it
/// steers (assigner, loss, level weights), and saves and restores its state. Owned by the trainer.
/// </summary>
public interface ITrainingStrategy
{
    /// <summary>Short name used in logs and checkpoints (e.g. <c>dla</c>, <c>dsl</c>).</summary>
    string Name { get; }

    /// <summary>The values in effect now, by name, for the progress line.</summary>
    IReadOnlyDictionary<string, double> Current { get; }

    /// <summary>
    /// Called once after every training iteration (<paramref name="iteration"/> = iterations done); applies
    /// the update when it is due and returns it, else null.
    /// </summary>
    StrategyUpdate? EndIteration(long iteration);

    /// <summary>The state to checkpoint (reads pending statistics: call outside hot loops).</summary>
    StrategyState SaveState();

    /// <summary>Restores a state made by <see cref="SaveState"/>.</summary>
    void LoadState(StrategyState state);
}
