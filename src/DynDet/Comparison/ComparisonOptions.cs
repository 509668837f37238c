namespace DynDet.Comparison;

/// <summary>What <see cref="CompareRunner"/> runs: rows × seeds with the same data and schedule.</summary>
public sealed record ComparisonOptions
{
    /// <summary>The rows; the first is the baseline the others are differenced against (at least one).</summary>
    public required IReadOnlyList<CompareRow> Rows { get; init; }

    /// <summary>The seeds (train.seed) every row runs with (default 1, 2, 3; each ≥ 0, distinct).</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];

    /// <summary>Folder of the grid: one run folder per cell, <c>compare.json</c>, <c>index.html</c>.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Overrides applied to every row before its own (e.g. <c>train.max_iters=500</c>).</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Training data SPEC for every row (default: each config's <c>data.train</c>).</summary>
    public string? TrainData { get; init; }

    /// <summary>Validation data SPEC for every row (default: each config's <c>data.val</c>); required one way or the other.</summary>
    public string? ValData { get; init; }

    /// <summary>Where the grid and the trainers log (default stderr).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Whether each run shows its progress line (default true).</summary>
    public bool ShowProgress { get; init; } = true;
}
