using System.Globalization;
using System.Text;
using DynDet.Data.Coco;

namespace DynDet.Evaluation;

/// <summary>
/// The result of <see cref="CocoEvaluator.Evaluate"/>: pycocotools' 12 summary numbers, AP at IoU 0.6/0.7/0.8/0.9
/// (area all, 100 detections, as Dynamic R-CNN's paper reports), AP per category, and the full precision and
/// recall arrays. Every number is a fraction in [0, 1], or −1 where it is undefined (no ground truth to measure).
/// </summary>
public sealed class CocoEvaluation
{
    private static readonly string[] MetricNames =
        ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl", "AP60", "AP70", "AP80", "AP90"];

    private readonly double[] _precision;
    private readonly double[] _recall;
    private readonly double[] _metrics;
    private readonly CocoClassAp[] _perClass;

    internal CocoEvaluation(double[] precision, double[] recall, CocoCategory[] categories, long dropped)
    {
        _precision = precision;
        _recall = recall;
        CategoryCount = categories.Length;
        DetectionsBeyondMaxDets = dropped;
        _metrics =
        [
            MeanPrecision(null, 0, 2), MeanPrecision(0, 0, 2), MeanPrecision(5, 0, 2),
            MeanPrecision(null, 1, 2), MeanPrecision(null, 2, 2), MeanPrecision(null, 3, 2),
            MeanRecall(0, 0), MeanRecall(0, 1), MeanRecall(0, 2),
            MeanRecall(1, 2), MeanRecall(2, 2), MeanRecall(3, 2),
            MeanPrecision(2, 0, 2), MeanPrecision(4, 0, 2), MeanPrecision(6, 0, 2), MeanPrecision(8, 0, 2),
        ];

        _perClass = new CocoClassAp[categories.Length];
        var values = new List<double>(CocoEvalParameters.IouThresholds.Count * CocoEvalParameters.RecallThresholds.Count);
        for (int k = 0; k < categories.Length; k++)
        {
            values.Clear();
            for (int t = 0; t < CocoEvalParameters.IouThresholds.Count; t++)
            {
                for (int r = 0; r < CocoEvalParameters.RecallThresholds.Count; r++)
                {
                    Keep(values, Precision(t, r, k, 0, 2));
                }
            }

            _perClass[k] = new CocoClassAp(categories[k].Id, categories[k].Name, MeanOrUndefined(values));
        }
    }

    /// <summary>AP averaged over IoU 0.50:0.95, area all, 100 detections (pycocotools' stats[0]).</summary>
    public double AP => _metrics[0];

    /// <summary>AP at IoU 0.50 (stats[1]).</summary>
    public double AP50 => _metrics[1];

    /// <summary>AP at IoU 0.75 (stats[2]).</summary>
    public double AP75 => _metrics[2];

    /// <summary>AP of small objects, area ≤ 32² (stats[3]).</summary>
    public double APSmall => _metrics[3];

    /// <summary>AP of medium objects, 32² ≤ area ≤ 96² (stats[4]).</summary>
    public double APMedium => _metrics[4];

    /// <summary>AP of large objects, area ≥ 96² (stats[5]).</summary>
    public double APLarge => _metrics[5];

    /// <summary>AR with 1 detection per image (stats[6]).</summary>
    public double AR1 => _metrics[6];

    /// <summary>AR with 10 detections per image (stats[7]).</summary>
    public double AR10 => _metrics[7];

    /// <summary>AR with 100 detections per image (stats[8]).</summary>
    public double AR100 => _metrics[8];

    /// <summary>AR of small objects (stats[9]).</summary>
    public double ARSmall => _metrics[9];

    /// <summary>AR of medium objects (stats[10]).</summary>
    public double ARMedium => _metrics[10];

    /// <summary>AR of large objects (stats[11]).</summary>
    public double ARLarge => _metrics[11];

    /// <summary>AP at IoU 0.60 (area all, 100 detections).</summary>
    public double AP60 => _metrics[12];

    /// <summary>AP at IoU 0.70.</summary>
    public double AP70 => _metrics[13];

    /// <summary>AP at IoU 0.80.</summary>
    public double AP80 => _metrics[14];

    /// <summary>AP at IoU 0.90 (pycocotools' threshold 0.8999999999999999, taken by index).</summary>
    public double AP90 => _metrics[15];

    /// <summary>pycocotools' <c>stats</c>: the 12 summary numbers in its order.</summary>
    public IReadOnlyList<double> Stats => new ArraySegment<double>(_metrics, 0, 12);

    /// <summary>
    /// The 16 numbers of <c>dyndet eval --json</c> in CONTRACT.md's order, by key: AP, AP50, AP75, APs, APm, APl,
    /// AR1, AR10, AR100, ARs, ARm, ARl, AP60, AP70, AP80, AP90.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, double>> Metrics
    {
        get
        {
            var pairs = new KeyValuePair<string, double>[MetricNames.Length];
            for (int i = 0; i < pairs.Length; i++)
            {
                pairs[i] = new(MetricNames[i], _metrics[i]);
            }

            return pairs;
        }
    }

    /// <summary>AP per category, in ascending category id order.</summary>
    public IReadOnlyList<CocoClassAp> PerClass => _perClass;

    /// <summary>
    /// Detections not evaluated because their image already had 100 higher-scoring detections of their category
    /// (pycocotools' cut at <c>maxDets[-1]</c>).
    /// </summary>
    public long DetectionsBeyondMaxDets { get; }

    /// <summary>The number of categories K.</summary>
    public int CategoryCount { get; }

    /// <summary>
    /// pycocotools' <c>eval['precision'][t, r, k, a, m]</c>: IoU threshold t (0..9), recall threshold r (0..100),
    /// category k (ascending id), area range a (all, small, medium, large), detection limit m (1, 10, 100); −1 where
    /// undefined.
    /// </summary>
    public double Precision(int t, int r, int k, int a, int m) =>
        _precision[CocoCategoryAccumulator.Index5(t, r, k, a, m, CategoryCount)];

    /// <summary>pycocotools' <c>eval['recall'][t, k, a, m]</c>; −1 where undefined.</summary>
    public double Recall(int t, int k, int a, int m) => _recall[CocoCategoryAccumulator.Index4(t, k, a, m, CategoryCount)];

    /// <summary>
    /// The human-readable report: pycocotools' 12 summary lines, then AP at IoU 0.60–0.90, then a table of AP per
    /// category.
    /// </summary>
    public string FormatSummary()
    {
        var text = new StringBuilder();
        Line(text, true, "0.50:0.95", "all", 100, AP);
        Line(text, true, "0.50", "all", 100, AP50);
        Line(text, true, "0.75", "all", 100, AP75);
        Line(text, true, "0.50:0.95", "small", 100, APSmall);
        Line(text, true, "0.50:0.95", "medium", 100, APMedium);
        Line(text, true, "0.50:0.95", "large", 100, APLarge);
        Line(text, false, "0.50:0.95", "all", 1, AR1);
        Line(text, false, "0.50:0.95", "all", 10, AR10);
        Line(text, false, "0.50:0.95", "all", 100, AR100);
        Line(text, false, "0.50:0.95", "small", 100, ARSmall);
        Line(text, false, "0.50:0.95", "medium", 100, ARMedium);
        Line(text, false, "0.50:0.95", "large", 100, ARLarge);
        Line(text, true, "0.60", "all", 100, AP60);
        Line(text, true, "0.70", "all", 100, AP70);
        Line(text, true, "0.80", "all", 100, AP80);
        Line(text, true, "0.90", "all", 100, AP90);
        int width = 8;
        foreach (var c in _perClass)
        {
            width = Math.Max(width, c.Name.Length);
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"{"category".PadRight(width)}  {"id",6}  {"AP",6}").AppendLine();
        foreach (var c in _perClass)
        {
            string ap = c.AP < 0 ? "   n/a" : c.AP.ToString("0.000", CultureInfo.InvariantCulture).PadLeft(6);
            text.Append(CultureInfo.InvariantCulture, $"{c.Name.PadRight(width)}  {c.CategoryId,6}  {ap}").AppendLine();
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, bool ap, string iou, string area, int maxDets, double value)
    {
        // ' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'
        string title = (ap ? "Average Precision" : "Average Recall").PadRight(18);
        string kind = ap ? "(AP)" : "(AR)";
        text.Append(CultureInfo.InvariantCulture,
            $" {title} {kind} @[ IoU={iou,-9} | area={area,6} | maxDets={maxDets,3} ] = {value:0.000}").AppendLine();
    }

    private static void Keep(List<double> values, double value)
    {
        if (value > -1)
        {
            values.Add(value);
        }
    }

    private static double MeanOrUndefined(List<double> values) =>
        values.Count == 0 ? -1 : NumpySum.Mean(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));

    /// <summary>pycocotools' _summarize for AP: mean over [t (all or one), r, k] of precision &gt; −1, in C order.</summary>
    private double MeanPrecision(int? t, int a, int m)
    {
        var values = new List<double>();
        int tFirst = t ?? 0;
        int tLast = t ?? (CocoEvalParameters.IouThresholds.Count - 1);
        for (int ti = tFirst; ti <= tLast; ti++)
        {
            for (int r = 0; r < CocoEvalParameters.RecallThresholds.Count; r++)
            {
                for (int k = 0; k < CategoryCount; k++)
                {
                    Keep(values, Precision(ti, r, k, a, m));
                }
            }
        }

        return MeanOrUndefined(values);
    }

    /// <summary>pycocotools' _summarize for AR: mean over [t, k] of recall &gt; −1, in C order.</summary>
    private double MeanRecall(int a, int m)
    {
        var values = new List<double>();
        for (int t = 0; t < CocoEvalParameters.IouThresholds.Count; t++)
        {
            for (int k = 0; k < CategoryCount; k++)
            {
                Keep(values, Recall(t, k, a, m));
            }
        }

        return MeanOrUndefined(values);
    }
}
