using DynDet.Dynamic;
using DynDet.Models.Detectors;

namespace DynDet.Training;

/// <summary>The slots and settings of a <see cref="TrainingStep"/>.</summary>
public sealed record TrainingStepOptions
{
    /// <summary>Gradient-norm clipping threshold (default null: none; &gt; 0).</summary>
    public double? GradClip { get; init; }

    /// <summary>How loss terms become the back-propagated scalar (default <see cref="UnitLossWeighting"/>).</summary>
    public ILossWeighting LossWeighting { get; init; } = UnitLossWeighting.Instance;

    /// <summary>How gradients are combined across processes (default <see cref="SingleProcessGradients"/>).</summary>
    public IGradientReducer GradientReducer { get; init; } = SingleProcessGradients.Instance;

    /// <summary>How strategies' statistics are combined across processes (default <see cref="SingleProcessReducer"/>).</summary>
    public IStatisticReducer StatisticReducer { get; init; } = SingleProcessReducer.Instance;

    /// <summary>
    /// Iterations of the whole run, handed to the model in each step's <see cref="Models.StepContext"/> (schedules
    /// inside a head, e.g. Dynamic ATSS's D_up: t/T); 0 (default) when unknown.
    /// </summary>
    public long MaxIterations { get; init; }

    /// <summary>
    /// Test hook: called after backward with the model and the number of the iteration being done (1-based),
    /// before the gradients are checked and applied.
    /// </summary>
    internal Action<DetectionModel, long>? AfterBackward { get; init; }
}
