using DynDet.Comparison;

namespace DynDet.Demo;

/// <summary>A finished method demo: its single-seed grid and the study it is read against.</summary>
/// <param name="Demo">What ran.</param>
/// <param name="Study">The study its rows come from.</param>
/// <param name="StudyRows">For each row of <paramref name="Run"/>, its row in the study.</param>
/// <param name="Run">The demo's own grid (one seed).</param>
/// <param name="OutputDirectory">Its folder (<c>compare.json</c>, <c>index.html</c>, the runs).</param>
public sealed record MethodDemoResult(MethodDemo Demo, StudyRecord Study, IReadOnlyList<int> StudyRows, CompareResult Run, string OutputDirectory);
