namespace DynDet.Evaluation;

/// <summary>The AP of one category: precision averaged over IoU 0.50:0.95 and recall, area all, 100 detections.</summary>
/// <param name="CategoryId">The category id.</param>
/// <param name="Name">The category name.</param>
/// <param name="AP">The AP in [0, 1], or −1 when the category has no (non-crowd) ground truth.</param>
public sealed record CocoClassAp(int CategoryId, string Name, double AP);
