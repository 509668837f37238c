namespace DynDet.Data;

/// <summary>
/// One annotated object: an (x1, y1, x2, y2) box in the original image's pixels (0-based, continuous
/// coordinates, no "+1": width = x2 − x1, as MMDetection v2+), a 0-based contiguous label, and the flags that
/// make it an ignore region rather than a training target.
/// </summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge (≥ X1).</param>
/// <param name="Y2">Bottom edge (≥ Y1).</param>
/// <param name="Label">0-based index into the dataset's <see cref="IDetectionDataset.CategoryNames"/>.</param>
/// <param name="IsCrowd">COCO <c>iscrowd</c>: a region of many objects; ignored in training and evaluation.</param>
/// <param name="IsDifficult">Pascal VOC <c>difficult</c>: ignored in training (MMDetection puts it in
/// <c>gt_bboxes_ignore</c>) and in VOC evaluation.</param>
public readonly record struct BoxAnnotation(
    float X1, float Y1, float X2, float Y2, int Label, bool IsCrowd = false, bool IsDifficult = false)
{
    /// <summary>X2 − X1.</summary>
    public float Width => X2 - X1;

    /// <summary>Y2 − Y1.</summary>
    public float Height => Y2 - Y1;

    /// <summary>Width × height (COCO's size classes: small &lt; 32², medium &lt; 96², large otherwise).</summary>
    public float Area => (X2 - X1) * (Y2 - Y1);

    /// <summary>True for crowd or difficult objects: ignore regions, not training targets.</summary>
    public bool IsIgnored => IsCrowd || IsDifficult;
}
