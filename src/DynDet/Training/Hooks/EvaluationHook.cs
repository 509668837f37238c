namespace DynDet.Training.Hooks;

/// <summary>
/// Periodic validation every <paramref name="interval"/> iterations (not after the last step: the trainer's final
/// evaluation follows it). <paramref name="evaluate"/> returns false when it was interrupted, which stops the run.
/// </summary>
public sealed class EvaluationHook(int interval, Func<bool> evaluate) : ITrainingHook
{
    /// <inheritdoc />
    public bool AfterStep(TrainingLoopState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (interval <= 0 || state.IsLast || state.Iteration % interval != 0)
        {
            return true;
        }

        if (!evaluate())
        {
            return false;
        }

        state.Evaluated = true;
        return true;
    }
}
