using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Structures;

/// <summary>
/// Non-maximum suppression within groups (classes, or FPN levels for RPN proposals), on torchvision's
/// <c>nms</c> kernel (<see cref="Functional.Nms"/>). Batched: one kernel call for all groups.
/// </summary>
public static class BatchedNms
{
    /// <summary>
    /// MMDetection's / torchvision's <c>batched_nms</c>: suppression only between boxes of the same
    /// <paramref name="groupIds"/>, by the class-offset trick (each box is shifted by
    /// <c>id · (max coordinate + 1)</c> so that groups never overlap; with many groups and large images the
    /// shifted float32 coordinates lose a little precision, as in both references).
    /// </summary>
    /// <param name="boxes">(K, 4) boxes.</param>
    /// <param name="scores">(K) scores.</param>
    /// <param name="groupIds">(K) integer group of each box.</param>
    /// <param name="iouThreshold">Boxes overlapping a kept box by IoU &gt; this are dropped.</param>
    /// <param name="classAgnostic">Ignore the groups (plain NMS over all boxes; default false).</param>
    /// <param name="maxKeep">Stop after this many kept boxes (≤ 0: keep all); the result is exactly the prefix of the full one.</param>
    /// <returns>int64 indices of the kept boxes, by decreasing score; owned by the caller's dispose scope.</returns>
    public static Tensor Apply(Tensor boxes, Tensor scores, Tensor groupIds, double iouThreshold, bool classAgnostic = false,
        long maxKeep = -1)
    {
        BoxOps.CheckBoxes(boxes, nameof(boxes), multipleOfFour: false);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(groupIds);
        long count = boxes.Size(0);
        if (boxes.Dim != 2 || scores.NumElements != count || groupIds.NumElements != count)
        {
            throw new ArgumentException(
                $"batched NMS needs boxes (K, 4), scores (K) and group ids (K); got [{string.Join(", ", boxes.Shape)}], " +
                $"{scores.NumElements} scores and {groupIds.NumElements} ids", nameof(boxes));
        }

        if (count == 0)
        {
            return Tensor.Zeros([0], ScalarType.Int64, boxes.Device);
        }

        using var scope = Engine.NewDisposeScope();
        var forNms = boxes;
        if (!classAgnostic)
        {
            var offsets = groupIds.Reshape(-1).To(boxes.Dtype) * (boxes.Max() + 1);
            forNms = boxes + offsets.Unsqueeze(1);
        }

        return scope.MoveToOuter(Functional.Nms(forNms, scores.Reshape(-1), iouThreshold, maxKeep));
    }

    /// <summary>
    /// MMDetection's <c>multiclass_nms</c> (SPEC §0.4): candidates are (box, class) pairs whose <b>raw</b> class
    /// score is &gt; <paramref name="scoreThreshold"/>; <paramref name="scoreFactors"/> (e.g. centerness) then
    /// multiply their scores; NMS runs per class; the best <paramref name="maxPerImage"/> are kept.
    /// </summary>
    /// <param name="boxes">(R, 4) boxes shared by all classes, or class-specific (R, 4·C).</param>
    /// <param name="scores">(R, C) foreground class scores (drop a softmax head's background column first).</param>
    /// <param name="scoreThreshold">Minimum raw score, exclusive (0.05 in the R-CNN test config).</param>
    /// <param name="iouThreshold">Per-class NMS IoU threshold (0.5 in the R-CNN test config).</param>
    /// <param name="maxPerImage">Detections kept, highest scores first (100 in the test configs); ≤ 0 keeps all.</param>
    /// <param name="scoreFactors">Optional (R) factors multiplied into the scores after thresholding.</param>
    /// <returns>Boxes (K, 4), scores (K) and int64 labels 0..C−1 (K), by decreasing score; owned by the caller's dispose scope.</returns>
    public static (Tensor Boxes, Tensor Scores, Tensor Labels) MultiClass(Tensor boxes, Tensor scores, double scoreThreshold,
        double iouThreshold, int maxPerImage = -1, Tensor? scoreFactors = null)
    {
        BoxOps.CheckBoxes(boxes, nameof(boxes), multipleOfFour: true);
        ArgumentNullException.ThrowIfNull(scores);
        long[] scoreShape = scores.Shape;
        long[] boxShape = boxes.Shape;
        if (scoreShape.Length != 2 || boxShape.Length != 2 || boxShape[0] != scoreShape[0] ||
            (boxShape[1] != 4 && boxShape[1] != 4 * scoreShape[1]))
        {
            throw new ArgumentException(
                $"multiclass NMS needs scores (R, C) and boxes (R, 4) or (R, 4C); got [{string.Join(", ", scoreShape)}] and [{string.Join(", ", boxShape)}]",
                nameof(boxes));
        }

        long rows = scoreShape[0], classes = scoreShape[1];
        using var scope = Engine.NewDisposeScope();
        var perClass = boxShape[1] == 4 ? boxes.Unsqueeze(1).Expand(rows, classes, 4) : boxes.Reshape(rows, classes, 4);
        var flatBoxes = perClass.Reshape(-1, 4);
        var flatScores = scores.Reshape(-1);
        var labels = Tensor.Arange(classes, ScalarType.Int64, scores.Device).View(1, -1).Expand(rows, classes).Reshape(-1);
        var valid = flatScores.Gt(scoreThreshold);
        if (scoreFactors is not null)
        {
            flatScores = flatScores * scoreFactors.Reshape(-1, 1).Expand(rows, classes).Reshape(-1);
        }

        var index = valid.NonzeroFlat();
        var candidates = flatBoxes.IndexSelect(0, index);
        var candidateScores = flatScores.IndexSelect(0, index);
        var candidateLabels = labels.IndexSelect(0, index);
        var keep = Apply(candidates, candidateScores, candidateLabels, iouThreshold, maxKeep: maxPerImage);
        if (maxPerImage > 0 && keep.Size(0) > maxPerImage)
        {
            keep = keep.Narrow(0, 0, maxPerImage);
        }

        var result = (candidates.IndexSelect(0, keep), candidateScores.IndexSelect(0, keep), candidateLabels.IndexSelect(0, keep));
        scope.MoveToOuter(result.Item1, result.Item2, result.Item3);
        return result;
    }
}
