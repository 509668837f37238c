namespace DynDet.Assignment;

/// <summary>Whose arithmetic a <see cref="DeltaXywhBoxCoder"/> reproduces.</summary>
public enum BoxCoderStyle
{
    /// <summary>
    /// MMDetection's <c>DeltaXYWHBBoxCoder</c> (SPEC §0.1): centres <c>(x1 + x2)/2</c>, deltas normalised as
    /// <c>(d − mean)/std</c>, decoded dw/dh clamped on <b>both</b> sides to <c>±|ln(wh_ratio_clip)|</c>.
    /// </summary>
    MMDetection,

    /// <summary>
    /// torchvision's <c>BoxCoder(weights)</c>: centres <c>x1 + 0.5·w</c>, deltas multiplied by
    /// <c>weights = 1/std</c> (means must be 0), decoded dw/dh clamped <b>from above only</b> at
    /// <c>bbox_xform_clip = ln(1000/16)</c> (the same magnitude as MMDetection's clip).
    /// </summary>
    TorchVision,
}
