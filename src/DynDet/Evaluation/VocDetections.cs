namespace DynDet.Evaluation;

/// <summary>The detections of one image for <see cref="VocEvaluator"/>.</summary>
public sealed class VocDetections
{
    /// <summary>Holds the detections of one image.</summary>
    /// <param name="boxes">Corner boxes <c>[x1, y1, x2, y2]</c>, 4 numbers per detection, finite.</param>
    /// <param name="scores">Confidences, one per detection, finite.</param>
    /// <param name="labels">Contiguous labels 0..C−1, one per detection.</param>
    /// <exception cref="ArgumentException">The lengths disagree or a number is not finite.</exception>
    public VocDetections(double[] boxes, double[] scores, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (boxes.Length != 4 * scores.Length || labels.Length != scores.Length)
        {
            throw new ArgumentException(
                $"{scores.Length} detections need {4 * scores.Length} box numbers and {scores.Length} labels; "
                + $"got {boxes.Length} and {labels.Length}");
        }

        CheckFinite(boxes, nameof(boxes));
        CheckFinite(scores, nameof(scores));
        BoxArray = boxes;
        ScoreArray = scores;
        LabelArray = labels;
    }

    /// <summary>Corner boxes, 4 numbers per detection.</summary>
    public IReadOnlyList<double> Boxes => BoxArray;

    /// <summary>Confidences, one per detection.</summary>
    public IReadOnlyList<double> Scores => ScoreArray;

    /// <summary>Contiguous labels, one per detection.</summary>
    public IReadOnlyList<int> Labels => LabelArray;

    /// <summary>The number of detections.</summary>
    public int Count => LabelArray.Length;

    internal double[] BoxArray { get; }

    internal double[] ScoreArray { get; }

    internal int[] LabelArray { get; }

    /// <summary>Detections from a detector's float outputs (corner boxes, scores, labels).</summary>
    public static VocDetections FromFloats(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> labels)
    {
        var b = new double[boxes.Length];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = boxes[i];
        }

        var s = new double[scores.Length];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = scores[i];
        }

        return new VocDetections(b, s, labels.ToArray());
    }

    internal static void CheckFinite(double[] values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"{name}[{i}] is {values[i]}, not a finite number", name);
            }
        }
    }
}
