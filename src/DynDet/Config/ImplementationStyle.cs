namespace DynDet.Config;

/// <summary>Whose conventions a detector's building blocks follow.</summary>
public enum ImplementationStyle
{
    /// <summary>MMDetection v2 (SPEC §0 and §2).</summary>
    Mmdetection,

    /// <summary>torchvision's <c>models.detection</c>.</summary>
    Torchvision,
}
