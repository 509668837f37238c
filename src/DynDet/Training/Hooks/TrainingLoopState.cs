namespace DynDet.Training.Hooks;

/// <summary>Where the training loop is, as the hooks see it after a step.</summary>
public sealed class TrainingLoopState
{
    /// <summary>Iterations completed.</summary>
    public long Iteration { get; init; }

    /// <summary>Iterations of the whole run.</summary>
    public long MaxIterations { get; init; }

    /// <summary>The learning rate of the step (first parameter group).</summary>
    public double LearningRate { get; init; }

    /// <summary>What the step produced.</summary>
    public required StepOutcome Outcome { get; init; }

    /// <summary>Whether this was the run's last step (the trainer then saves and evaluates once more itself).</summary>
    public bool IsLast => Iteration == MaxIterations;

    /// <summary>Set by <see cref="EvaluationHook"/> when it evaluated after this step (a checkpoint follows).</summary>
    public bool Evaluated { get; set; }
}
