namespace DynDet.Demo;

/// <summary>What the main job produced.</summary>
/// <param name="Baseline">Faster R-CNN.</param>
/// <param name="Dynamic">Dynamic R-CNN, same data, seed and schedule.</param>
/// <param name="Updates">Dynamic R-CNN's (iteration, T, β) after each update, from its metrics.json.</param>
/// <param name="ReportPath">The HTML page.</param>
/// <param name="Elapsed">Wall time of the whole job.</param>
/// <param name="Study">The study the runs are read against, or null.</param>
public sealed record DemoResult(
    DemoRun Baseline,
    DemoRun Dynamic,
    IReadOnlyList<(long Iteration, double Threshold, double Beta)> Updates,
    string ReportPath,
    TimeSpan Elapsed,
    StudyRecord? Study = null);
