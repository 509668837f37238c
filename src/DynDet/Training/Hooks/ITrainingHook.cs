namespace DynDet.Training.Hooks;

/// <summary>
/// Something the trainer does after each completed step besides the step itself: progress, metrics, periodic
/// evaluation, periodic checkpoints. Hooks run in the order the trainer holds them; a data-parallel run gives the
/// ranks other than 0 only the hooks every rank must run.
/// </summary>
public interface ITrainingHook
{
    /// <summary>Runs after the step that brought the run to <see cref="TrainingLoopState.Iteration"/>; false stops the run (interrupted).</summary>
    bool AfterStep(TrainingLoopState state);
}
