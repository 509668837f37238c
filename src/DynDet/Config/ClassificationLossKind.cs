namespace DynDet.Config;

/// <summary>The classification loss of the ATSS-family head (SPEC §5, §6, §7.2).</summary>
public enum ClassificationLossKind
{
    /// <summary>Sigmoid focal loss with hard (one-hot) targets (ATSS).</summary>
    Focal,

    /// <summary>GFL's Quality Focal Loss, soft target = the positive's predicted IoU (SPEC §6.2; Dynamic ATSS).</summary>
    Qfl,

    /// <summary>VFNet's Varifocal Loss, soft target = the positive's predicted IoU (SPEC §6.4).</summary>
    Vfl,
}
