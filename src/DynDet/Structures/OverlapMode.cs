namespace DynDet.Structures;

/// <summary>What <see cref="BoxOps.Overlaps"/> measures, as MMDetection's <c>bbox_overlaps(mode=...)</c>.</summary>
public enum OverlapMode
{
    /// <summary>Intersection over union: <c>inter / max(union, eps)</c>.</summary>
    Iou,

    /// <summary>Intersection over the area of the first box ("foreground"): <c>inter / max(area1, eps)</c>.</summary>
    Iof,

    /// <summary>Generalised IoU: <c>iou − (enclose − union) / max(enclose, eps)</c>, in [−1, 1].</summary>
    Giou,
}
