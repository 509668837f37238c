using DynDet.Comparison;

namespace DynDet.Demo;

/// <summary>
/// Runs a <see cref="MethodDemo"/>: its rows with the study's first seed and the study's overrides (then the caller's),
/// through <see cref="CompareRunner"/>, so it resumes after an interruption and writes the same page as
/// <c>dyndet compare</c>. On the machine the study ran on, with the same number of threads, training is deterministic
/// and each row's AP equals the study's cell for that seed; elsewhere (another CPU, another thread count: the sums
/// round differently and training amplifies it) it is one more draw from the spread the study shows.
/// </summary>
/// <param name="outputDirectory">The demos' folder (default of <c>dyndet demo</c>: <c>runs/demo</c>); each demo writes a subfolder.</param>
/// <param name="overrides">Overrides after the study's (e.g. a shorter schedule for a quick look); usually none.</param>
/// <param name="log">Where progress goes (default standard error).</param>
/// <param name="showProgress">Whether runs show their progress line.</param>
public sealed class MethodDemoRunner(string outputDirectory, IReadOnlyList<string>? overrides = null, TextWriter? log = null, bool showProgress = true)
{
    /// <summary>Runs <paramref name="demo"/>; null when cancelled (its checkpoint is saved; running it again continues).</summary>
    public MethodDemoResult? Run(MethodDemo demo, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(demo);
        var study = StudyRecord.Find(demo.StudyKey) ?? throw new InvalidOperationException($"demo {demo.Key}: no built-in study {demo.StudyKey}");
        var rows = new List<int>();
        foreach (string spec in demo.RowSpecs)
        {
            int row = study.RowOf(spec);
            rows.Add(row >= 0 ? row : throw new InvalidOperationException($"demo {demo.Key}: study {study.Key} has no row {spec}"));
        }

        string folder = Path.Combine(outputDirectory, demo.Key);
        study.WriteFiles(folder);
        var result = new CompareRunner(new ComparisonOptions
        {
            Rows = [.. rows.Select(r => study.Result.Rows[r])],
            Seeds = [study.Seeds[0]],
            OutputDirectory = folder,
            Overrides = [.. study.OverridesIn(folder), .. overrides ?? []],
            Log = log,
            ShowProgress = showProgress,
        }).Run(cancellation);
        return result is null ? null : new MethodDemoResult(demo, study, rows, result, folder);
    }
}
