namespace DynDet.Config;

/// <summary>A box loss on decoded boxes (SPEC §4).</summary>
public enum IouLossKind
{
    /// <summary><c>−ln IoU</c> with the IoU clamped at 1e-6 (MMDetection's <c>IoULoss</c>, FCOS's base config).</summary>
    Iou,

    /// <summary><c>1 − GIoU</c> (MMDetection's <c>GIoULoss</c>; FCOS's tricks config, torchvision's FCOS).</summary>
    Giou,
}
