namespace DynDet.Comparison;

/// <summary>
/// The arithmetic of a seeded comparison: mean and sample standard deviation (n − 1; 0 for one value) over seeds, and
/// the paired difference of a row against the baseline over the seeds both have.
/// </summary>
public static class SeedStatistics
{
    /// <summary>Mean of <paramref name="values"/> (NaN when empty).</summary>
    public static double Mean(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Count == 0 ? double.NaN : values.Sum() / values.Count;
    }

    /// <summary>Sample standard deviation (divisor n − 1) of <paramref name="values"/>; 0 for one value, NaN for none.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            return values.Count == 1 ? 0 : double.NaN;
        }

        double mean = Mean(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>
    /// The per-seed differences <c>row − baseline</c> over the seeds present in both (in seed order): their mean and
    /// standard deviation are the paired difference and its spread.
    /// </summary>
    public static IReadOnlyList<double> PairedDifferences(IReadOnlyDictionary<int, double> row, IReadOnlyDictionary<int, double> baseline)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(baseline);
        return [.. row.Keys.Where(baseline.ContainsKey).Order().Select(seed => row[seed] - baseline[seed])];
    }
}
