namespace DynDet.Models.RoIHeads;

/// <summary>
/// Detections of one image in original-image pixels: boxes (x1, y1, x2, y2), scores and 0-based labels,
/// sorted by decreasing score. Plain arrays: ready for result files, drawing and evaluation.
/// </summary>
/// <param name="ImageId">The dataset's id of the image.</param>
/// <param name="Boxes">4 values per detection.</param>
/// <param name="Scores">Scores.</param>
/// <param name="Labels">Contiguous 0-based class labels.</param>
public sealed record ImageDetections(long ImageId, float[] Boxes, float[] Scores, long[] Labels)
{
    /// <summary>Number of detections.</summary>
    public int Count => Scores.Length;
}
