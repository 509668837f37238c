namespace DynDet.Reports;

/// <summary>Line colours of the reports (matplotlib's tab10), repeating.</summary>
public static class ReportPalette
{
    private static readonly string[] Colours =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The colour of series <paramref name="index"/> (≥ 0; the 10 colours repeat).</summary>
    public static string Colour(int index) => Colours[((index % Colours.Length) + Colours.Length) % Colours.Length];
}
