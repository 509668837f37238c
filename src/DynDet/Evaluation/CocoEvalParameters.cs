namespace DynDet.Evaluation;

/// <summary>
/// The fixed parameters of pycocotools' <c>COCOeval</c> for boxes (<c>Params(iouType='bbox')</c>), to the bit:
/// IoU thresholds <c>np.linspace(.5, .95, 10)</c> (note <c>0.8999999999999999</c>), recall thresholds
/// <c>np.linspace(0, 1, 101)</c>, area ranges all/small/medium/large and 1/10/100 detections per image.
/// </summary>
public static class CocoEvalParameters
{
    private static readonly double[] IouThresholdValues = LinSpace(0.5, 0.95, 10);
    private static readonly double[] RecallThresholdValues = LinSpace(0.0, 1.0, 101);
    private static readonly (double Min, double Max)[] AreaRangeValues =
        [(0, 1e10), (0, 32 * 32), (32 * 32, 96 * 96), (96 * 96, 1e10)];

    private static readonly string[] AreaLabelValues = ["all", "small", "medium", "large"];
    private static readonly int[] MaxDetectionValues = [1, 10, 100];

    /// <summary>The 10 IoU thresholds T: 0.5, 0.55, …, 0.95 as numpy's <c>linspace</c> computes them.</summary>
    public static IReadOnlyList<double> IouThresholds => IouThresholdValues;

    /// <summary>The 101 recall thresholds R: 0, 0.01, …, 1 as numpy's <c>linspace</c> computes them.</summary>
    public static IReadOnlyList<double> RecallThresholds => RecallThresholdValues;

    /// <summary>The 4 area ranges A (inclusive at both ends): all [0, 1e10], small [0, 32²], medium [32², 96²], large [96², 1e10].</summary>
    public static IReadOnlyList<(double Min, double Max)> AreaRanges => AreaRangeValues;

    /// <summary>The names of <see cref="AreaRanges"/>: all, small, medium, large.</summary>
    public static IReadOnlyList<string> AreaLabels => AreaLabelValues;

    /// <summary>The 3 limits M on detections per image (and category): 1, 10, 100.</summary>
    public static IReadOnlyList<int> MaxDetections => MaxDetectionValues;

    internal static ReadOnlySpan<double> IouSpan => IouThresholdValues;

    internal static ReadOnlySpan<double> RecallSpan => RecallThresholdValues;

    internal static ReadOnlySpan<(double Min, double Max)> AreaSpan => AreaRangeValues;

    internal static ReadOnlySpan<int> MaxDetectionSpan => MaxDetectionValues;

    /// <summary>numpy's <c>linspace(start, stop, num)</c>: <c>i · step + start</c>, the last value set to <c>stop</c>.</summary>
    internal static double[] LinSpace(double start, double stop, int num)
    {
        double step = (stop - start) / (num - 1);
        var values = new double[num];
        for (int i = 0; i < num; i++)
        {
            values[i] = (i * step) + start;
        }

        values[^1] = stop;
        return values;
    }
}
