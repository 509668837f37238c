namespace DynDet.Models.DenseHeads;

/// <summary>Whose base-anchor arithmetic an <see cref="AnchorGenerator"/> reproduces.</summary>
public enum AnchorStyle
{
    /// <summary>
    /// MMDetection's <c>AnchorGenerator</c>: per level, sides <c>base_size · w_ratio · scale</c> (float32, not
    /// rounded) centred at <c>center_offset · base_size</c>, shifted by <c>(x·stride, y·stride)</c>.
    /// </summary>
    MMDetection,

    /// <summary>
    /// torchvision's <c>AnchorGenerator</c>: per level, sides <c>w_ratio · size</c> with
    /// <c>size = base_size · scale</c> (or <see cref="AnchorGeneratorOptions.Sizes"/>), base anchor
    /// <c>round((−w, −h, w, h)/2)</c> (half to even), centred at 0 and shifted by <c>(x·stride, y·stride)</c>.
    /// torchvision derives the stride of each level as <c>image_size // feature_size</c> per axis: pass
    /// <see cref="AnchorGenerator.TorchVisionStrides"/> to <see cref="AnchorGenerator.GridAnchors"/> to mirror it.
    /// </summary>
    TorchVision,
}
