using System.Globalization;
using System.Text;

namespace DynDet.Evaluation;

/// <summary>The result of <see cref="VocEvaluator.Evaluate"/>: the mAP and the result of each class.</summary>
public sealed class VocEvaluation
{
    private readonly VocClassResult[] _perClass;

    internal VocEvaluation(double meanAp, VocClassResult[] perClass, VocEvaluatorOptions options)
    {
        MeanAP = meanAp;
        _perClass = perClass;
        Options = options;
    }

    /// <summary>The mean AP over classes with non-difficult ground truth (0 when none has any).</summary>
    public double MeanAP { get; }

    /// <summary>The result of each class, by label.</summary>
    public IReadOnlyList<VocClassResult> PerClass => _perClass;

    /// <summary>The settings used.</summary>
    public VocEvaluatorOptions Options { get; }

    /// <summary>MMDetection's summary table: class, objects, detections, recall, AP, then the mAP.</summary>
    /// <param name="classNames">Names by label; null shows the labels.</param>
    public string FormatSummary(IReadOnlyList<string>? classNames = null)
    {
        var names = new string[_perClass.Length];
        int width = 5;
        for (int c = 0; c < names.Length; c++)
        {
            names[c] = classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture);
            width = Math.Max(width, names[c].Length);
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{"class".PadRight(width)}  {"gts",6}  {"dets",6}  {"recall",6}  {"ap",6}").AppendLine();
        for (int c = 0; c < names.Length; c++)
        {
            var r = _perClass[c];
            string ap = r.AP < 0 ? "n/a" : r.AP.ToString("0.000", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture,
                $"{names[c].PadRight(width)}  {r.GroundTruths,6}  {r.Detections,6}  {r.Recall,6:0.000}  {ap,6}").AppendLine();
        }

        string method = Options.Method == VocApMethod.Area ? "area" : "11-point";
        text.Append(CultureInfo.InvariantCulture,
            $"{"mAP".PadRight(width)}  {"",6}  {"",6}  {"",6}  {MeanAP,6:0.000}   (IoU {Options.IouThreshold:0.##}, {method})").AppendLine();
        return text.ToString();
    }
}
