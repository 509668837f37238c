using DynDet.Evaluation;

namespace DynDet.Training;

/// <summary>The outcome of a run.</summary>
/// <param name="Reason">Completed or interrupted.</param>
/// <param name="Iterations">Iterations done in total (including those before a resume).</param>
/// <param name="Checkpoint">The last checkpoint written.</param>
/// <param name="FinalEvaluation">The evaluation at the end, when there was validation data and the run completed.</param>
/// <param name="Elapsed">Wall time of this process's part of the run.</param>
/// <param name="Report">The run's report (<c>index.html</c> in the output folder).</param>
public sealed record TrainingResult(
    TrainingStopReason Reason,
    long Iterations,
    string Checkpoint,
    EvaluationReport? FinalEvaluation,
    TimeSpan Elapsed,
    string Report)
{
    /// <summary>
    /// The dynamic strategies' values at the end, keyed <c>strategy.value</c> (e.g. <c>dla.iou_threshold</c>,
    /// <c>dsl.beta</c>); empty without strategies. In a data-parallel run every rank ends with the same values.
    /// </summary>
    public IReadOnlyDictionary<string, double> Dynamic { get; init; } = new Dictionary<string, double>();
}
