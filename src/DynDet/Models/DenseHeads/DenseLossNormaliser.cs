namespace DynDet.Models.DenseHeads;

/// <summary>How a dense head divides its summed losses.</summary>
public enum DenseLossNormaliser
{
    /// <summary>MMDetection: every term divided by <c>avg_factor = Σ_images max(#pos, 1)</c> (SPEC §3).</summary>
    AverageFactor,

    /// <summary>torchvision: each image's sum divided by <c>max(1, #pos)</c> of that image, then the mean over images.</summary>
    PerImage,
}
