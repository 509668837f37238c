namespace DynDet.Data.Transforms;

/// <summary>How multi-scale training picks a scale from <see cref="TransformOptions.Scales"/> (MMDetection's <c>multiscale_mode</c>).</summary>
public enum MultiScaleMode
{
    /// <summary>One of the listed scales, uniformly (<c>'value'</c>).</summary>
    Value = 0,

    /// <summary>
    /// Long edge uniform among the integers between the smallest and largest listed long edges, short edge
    /// likewise, independently (<c>'range'</c>; needs two or more scales).
    /// </summary>
    Range = 1,
}
