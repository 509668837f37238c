namespace DynDet.Models.DenseHeads;

/// <summary>Which FCOS target rule a <see cref="FcosHead"/> trains with.</summary>
public enum FcosTargetRule
{
    /// <summary>
    /// MMDetection's <c>FCOSHead.get_targets</c> (<see cref="Assignment.FcosTargetAssigner"/>): inside the gt (or its
    /// clipped centre box), regress ranges with both ends included, smallest area; targets in strides with
    /// <c>norm_on_bbox</c>.
    /// </summary>
    MMDetection,

    /// <summary>
    /// torchvision's <c>FCOS.compute_loss</c> matcher (<see cref="Assignment.FcosTorchVisionMatcher"/>): near the centre
    /// and inside the gt, open ranges, smallest area in float32; targets in pixels.
    /// </summary>
    TorchVision,
}
