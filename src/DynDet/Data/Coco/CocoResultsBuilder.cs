namespace DynDet.Data.Coco;

/// <summary>
/// Collects detections in memory (for evaluating without files), from a detector's corner boxes, scores and
/// contiguous labels, mapped to category ids through a <see cref="CocoLabelMap"/>.
/// </summary>
public sealed class CocoResultsBuilder
{
    private readonly List<CocoDetection> _detections = [];

    /// <summary>Starts an empty set whose labels map to category ids through <paramref name="labels"/>.</summary>
    public CocoResultsBuilder(CocoLabelMap labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Labels = labels;
    }

    /// <summary>The label map used by <see cref="Add(long, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int})"/>.</summary>
    public CocoLabelMap Labels { get; }

    /// <summary>The number of detections so far.</summary>
    public int Count => _detections.Count;

    /// <summary>Adds one detection with a category id (not a label).</summary>
    public CocoResultsBuilder Add(CocoDetection detection)
    {
        _detections.Add(detection);
        return this;
    }

    /// <summary>
    /// Adds the detections of one image: corner boxes <c>[x1, y1, x2, y2]</c> (4 numbers each), scores and contiguous
    /// labels 0..C−1.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    public CocoResultsBuilder Add(
        long imageId, ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, ReadOnlySpan<int> labels)
    {
        if (boxesXyxy.Length != 4 * scores.Length || labels.Length != scores.Length)
        {
            throw new ArgumentException(
                $"{scores.Length} scores need {4 * scores.Length} box numbers and {scores.Length} labels; "
                + $"got {boxesXyxy.Length} and {labels.Length}");
        }

        for (int i = 0; i < scores.Length; i++)
        {
            var box = CocoBox.FromCorners(boxesXyxy[4 * i], boxesXyxy[4 * i + 1], boxesXyxy[4 * i + 2], boxesXyxy[4 * i + 3]);
            _detections.Add(new CocoDetection(imageId, Labels.CategoryIdOf(labels[i]), box, scores[i]));
        }

        return this;
    }

    /// <summary>Validates and returns the detections, in the order added.</summary>
    /// <exception cref="InputException">A box or score is not finite, or a box has a negative size.</exception>
    public CocoResults Build(string source = "<memory>") => new(_detections, source);
}
