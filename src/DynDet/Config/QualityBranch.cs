namespace DynDet.Config;

/// <summary>What the ATSS-family head's third branch (one logit per anchor, from the box tower) learns and scores with.</summary>
public enum QualityBranch
{
    /// <summary>
    /// ATSS's centerness: BCE to the centerness target, the GIoU loss weighted by it, test score
    /// <c>σ(cls)·σ(centerness)</c>.
    /// </summary>
    Centerness,

    /// <summary>
    /// Dynamic ATSS's IoU branch (SPEC §7.2): BCE to the positive's predicted IoU (detached), the GIoU loss weighted by
    /// that IoU, test score <c>sqrt(σ(cls)·σ(iou))</c>.
    /// </summary>
    Iou,
}
