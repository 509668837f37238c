namespace DynDet.Comparison;

/// <summary>The finished grid: every cell, and per row and metric the mean ± std over seeds and the paired difference against row 0.</summary>
public sealed class CompareResult
{
    /// <summary>The metrics of the table, in order (COCO AP × 100 and its single-threshold and per-size parts).</summary>
    public static IReadOnlyList<string> TableMetrics { get; } = ["AP", "AP50", "AP60", "AP70", "AP75", "AP80", "AP90", "APs", "APm", "APl"];

    /// <summary>Collects the cells of <paramref name="rows"/>.</summary>
    public CompareResult(IReadOnlyList<CompareRow> rows, IReadOnlyList<CompareCell> cells)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(cells);
        Rows = rows;
        Cells = cells;
    }

    /// <summary>The rows; row 0 is the baseline.</summary>
    public IReadOnlyList<CompareRow> Rows { get; }

    /// <summary>Every finished cell.</summary>
    public IReadOnlyList<CompareCell> Cells { get; }

    /// <summary>A metric of a row by seed (only defined values, i.e. ≥ 0).</summary>
    public IReadOnlyDictionary<int, double> BySeed(int row, string metric) =>
        Cells.Where(c => c.Row == row && c.Metrics.TryGetValue(metric, out double v) && v >= 0)
            .ToDictionary(c => c.Seed, c => c.Metrics[metric]);

    /// <summary>Mean and sample std over seeds of a row's metric.</summary>
    public (double Mean, double Std, int Seeds) Summary(int row, string metric)
    {
        var values = BySeed(row, metric).Values.ToList();
        return (SeedStatistics.Mean(values), SeedStatistics.StandardDeviation(values), values.Count);
    }

    /// <summary>Mean and sample std of the per-seed differences of a row's metric against row 0's.</summary>
    public (double Mean, double Std, int Pairs) Difference(int row, string metric) => Difference(row, 0, metric);

    /// <summary>Mean and sample std of the per-seed differences of a row's metric against row <paramref name="baseline"/>'s.</summary>
    public (double Mean, double Std, int Pairs) Difference(int row, int baseline, string metric)
    {
        var differences = SeedStatistics.PairedDifferences(BySeed(row, metric), BySeed(baseline, metric));
        return (SeedStatistics.Mean(differences), SeedStatistics.StandardDeviation(differences), differences.Count);
    }
}
