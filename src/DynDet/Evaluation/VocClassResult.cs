namespace DynDet.Evaluation;

/// <summary>The VOC result of one class.</summary>
/// <param name="Label">The contiguous label.</param>
/// <param name="GroundTruths">Its non-difficult ground-truth objects.</param>
/// <param name="Detections">Its detections.</param>
/// <param name="Recall">The recall with all detections (0 without detections).</param>
/// <param name="AP">Its AP in [0, 1], or −1 when it has no non-difficult ground truth (then left out of the mAP).</param>
public sealed record VocClassResult(int Label, int GroundTruths, int Detections, double Recall, double AP);
