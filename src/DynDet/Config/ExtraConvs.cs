namespace DynDet.Config;

/// <summary>How the FPN makes its levels beyond the backbone's (MMDetection's <c>add_extra_convs</c>; SPEC §0.5).</summary>
public enum ExtraConvs
{
    /// <summary>No convs: max-pool (kernel 1, stride 2) of the last output (Faster R-CNN's P6).</summary>
    None,

    /// <summary>3×3 stride-2 convs, the first on the last backbone map (RetinaNet's <c>'on_input'</c>).</summary>
    OnInput,

    /// <summary>3×3 stride-2 convs, the first on the last FPN output (FCOS and ATSS's <c>'on_output'</c>).</summary>
    OnOutput,
}
