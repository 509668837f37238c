namespace DynDet.Models.RoIHeads;

/// <summary>Which formula a <see cref="RoiLevelMapper"/> uses to choose an RoI's FPN level.</summary>
public enum RoiLevelRule
{
    /// <summary>
    /// MMDetection's <c>SingleRoIExtractor.map_roi_levels</c>: <c>floor(log2(s / finest_scale + 1e-6))</c> with
    /// <c>s = sqrt(w·h)</c>, clamped to [0, levels − 1]. With finest scale 56: P2 below 112, P3 in [112, 224),
    /// P4 in [224, 448), P5 from 448.
    /// </summary>
    MMDetection,

    /// <summary>
    /// torchvision's <c>LevelMapper</c> (0.14): <c>floor(k0 + log2(s / s0) + eps)</c> — eps added <b>outside</b>
    /// the logarithm — clamped to [k_min, k_max] and shifted by −k_min (k0 = 4, s0 = 224, k_min = 2). The same
    /// levels as MMDetection's rule except within float rounding of the boundaries. (maskrcnn-benchmark, the
    /// original Dynamic R-CNN code, puts eps inside the logarithm and uses "+1" box sizes.)
    /// </summary>
    TorchVision,
}
