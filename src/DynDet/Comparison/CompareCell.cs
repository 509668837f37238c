namespace DynDet.Comparison;

/// <summary>One finished run of the grid: a row with a seed, its folder and its final evaluation.</summary>
/// <param name="Row">Index of the row.</param>
/// <param name="Seed">The seed it ran with.</param>
/// <param name="Directory">Its run folder.</param>
/// <param name="Metrics">COCO metrics of its final evaluation (fractions; −1 undefined) and <c>voc_map</c>.</param>
/// <param name="Seconds">Wall time of its training and evaluation (summed over resumed sessions).</param>
public sealed record CompareCell(int Row, int Seed, string Directory, IReadOnlyDictionary<string, double> Metrics, double Seconds);
