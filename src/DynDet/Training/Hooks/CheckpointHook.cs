using System.Diagnostics;

namespace DynDet.Training.Hooks;

/// <summary>
/// Periodic checkpoints of <c>latest.pth</c>: after every evaluation, every <paramref name="interval"/> iterations
/// (0: none by count) and every <paramref name="minutes"/> of training (0: none by time); not after the last step (the
/// trainer saves at the end itself). <paramref name="save"/> writes it.
/// </summary>
public sealed class CheckpointHook(int interval, double minutes, Action save) : ITrainingHook
{
    private readonly Stopwatch _sinceSave = Stopwatch.StartNew();

    /// <summary>Tells the hook a checkpoint was just written elsewhere (resets the time-based clock).</summary>
    public void Saved() => _sinceSave.Restart();

    /// <inheritdoc />
    public bool AfterStep(TrainingLoopState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.IsLast)
        {
            return true;
        }

        if (state.Evaluated
            || (interval > 0 && state.Iteration % interval == 0)
            || (minutes > 0 && _sinceSave.Elapsed.TotalMinutes >= minutes))
        {
            save();
            _sinceSave.Restart();
        }

        return true;
    }
}
