using DynDet.Dynamic;

namespace DynDet.Training.Hooks;

/// <summary>
/// <c>metrics.json</c>: every strategy update as it happens, and the means of the loss terms over each log interval
/// (and at the last step) with the learning rate, the seconds per iteration, the strategies' values and each
/// per-level term's means by level.
/// </summary>
public sealed class MetricsHook(MetricsLog metrics, int logInterval, IReadOnlyList<ITrainingStrategy> strategies) : ITrainingHook
{
    private readonly LossWindow _window = new();

    /// <inheritdoc />
    public bool AfterStep(TrainingLoopState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _window.Add(state.Outcome.Losses, state.Outcome.Levels);
        foreach (var update in state.Outcome.Updates)
        {
            metrics.AddUpdate(update);
        }

        if (state.Iteration % logInterval == 0 || state.IsLast)
        {
            metrics.AddTraining(state.Iteration, state.LearningRate, _window.Means(), _window.SecondsPerIteration(),
                StrategyValues.Of(strategies), _window.LevelMeans());
            _window.Reset();
        }

        return true;
    }
}
