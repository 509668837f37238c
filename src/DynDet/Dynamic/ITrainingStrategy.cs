namespace DynDet.Dynamic;

/// <summary>
/// A dynamic training rule, one component shape for all of them (Dynamic R-CNN's DLA and DSL now; the level
/// balancers and Dynamic ATSS's logged statistics later). Each training step, after the forward pass, the
/// trainer calls <see cref="Observe"/> with the statistics the heads published, then <see cref="Synchronize"/>
/// (which combines this step's observation across processes), then, after the optimizer step,
/// <see cref="Update"/>. The strategy exposes its current values to the component it steers through the
/// delegates the detector factory wired, and saves and restores its state. Owned by the trainer, not the model.
/// </summary>
public interface ITrainingStrategy
{
    /// <summary>
    /// The instance's name, unique within a run (e.g. <c>dla</c>, <c>dsl</c>, or <c>rpn.avw</c> and
    /// <c>rcnn.avw</c> for two balancers): it keys its values in the progress line, <c>metrics.json</c> and
    /// checkpoints.
    /// </summary>
    string Name { get; }

    /// <summary>The values in effect now, by name, for the progress line and <c>metrics.json</c>.</summary>
    IReadOnlyDictionary<string, double> Current { get; }

    /// <summary>Reads this step's statistics (tensors, not read from the device now).</summary>
    void Observe(StepStatistics statistics);

    /// <summary>
    /// Combines the observation of this step across processes with <paramref name="reducer"/>, so that every
    /// process's history, and so every update, is the same.
    /// </summary>
    void Synchronize(IStatisticReducer reducer);

    /// <summary>
    /// Called once after every training step (<paramref name="iteration"/> = iterations done): enters this step's
    /// observation into the history, applies the update when it is due and returns it, else null.
    /// </summary>
    StrategyUpdate? Update(long iteration);

    /// <summary>The state to checkpoint (reads pending statistics: call outside hot loops).</summary>
    StrategyState SaveState();

    /// <summary>Restores a state made by <see cref="SaveState"/>.</summary>
    void LoadState(StrategyState state);

    /// <summary>
    /// Whether a checkpoint without this strategy's state may still be resumed (the strategy then starts afresh):
    /// true only for strategies that steer nothing and only log (default false: resuming would change training).
    /// </summary>
    bool StateIsOptional => false;
}
