namespace DynDet.Reports;

/// <summary>One line of a <see cref="SvgLineChart"/>: points (x, y) drawn in a CSS colour.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Points">Points in increasing x.</param>
/// <param name="Color">CSS colour, e.g. <c>#1f77b4</c>.</param>
/// <param name="Stepped">Draw as a step function (a value that holds until the next update).</param>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, string Color, bool Stepped = false);
