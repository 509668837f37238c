namespace DynDet.Config;

/// <summary>Box regression loss.</summary>
public enum BoxLossKind
{
    /// <summary>|x| (MMDetection's Faster R-CNN default).</summary>
    L1,

    /// <summary>SmoothL1 with β (Dynamic R-CNN; torchvision uses β = 1/9).</summary>
    SmoothL1,
}
