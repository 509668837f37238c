namespace DynDet.Evaluation;

/// <summary>The ground-truth objects of one image for <see cref="VocEvaluator"/>.</summary>
public sealed class VocGroundTruth
{
    /// <summary>Holds the objects of one image.</summary>
    /// <param name="boxes">Corner boxes <c>[x1, y1, x2, y2]</c>, 4 numbers per object, finite.</param>
    /// <param name="labels">Contiguous labels 0..C−1, one per object.</param>
    /// <param name="difficult">VOC's <c>difficult</c> flags, one per object, or null for none: a difficult object
    /// is neither required (no miss when undetected) nor counted (a detection of it is neither TP nor FP).</param>
    /// <exception cref="ArgumentException">The lengths disagree or a coordinate is not finite.</exception>
    public VocGroundTruth(double[] boxes, int[] labels, bool[]? difficult = null)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(labels);
        difficult ??= new bool[labels.Length];
        if (boxes.Length != 4 * labels.Length || difficult.Length != labels.Length)
        {
            throw new ArgumentException(
                $"{labels.Length} objects need {4 * labels.Length} box numbers and {labels.Length} difficult flags; "
                + $"got {boxes.Length} and {difficult.Length}");
        }

        VocDetections.CheckFinite(boxes, nameof(boxes));
        BoxArray = boxes;
        LabelArray = labels;
        DifficultArray = difficult;
    }

    /// <summary>Corner boxes, 4 numbers per object.</summary>
    public IReadOnlyList<double> Boxes => BoxArray;

    /// <summary>Contiguous labels, one per object.</summary>
    public IReadOnlyList<int> Labels => LabelArray;

    /// <summary>Difficult flags, one per object.</summary>
    public IReadOnlyList<bool> Difficult => DifficultArray;

    /// <summary>The number of objects.</summary>
    public int Count => LabelArray.Length;

    internal double[] BoxArray { get; }

    internal int[] LabelArray { get; }

    internal bool[] DifficultArray { get; }
}
