namespace DynDet.Config;

/// <summary>Normalisation after each tower conv of a dense head (MMDetection's head <c>norm_cfg</c>).</summary>
public enum HeadNorm
{
    /// <summary>None: conv + ReLU (RetinaNet's towers).</summary>
    None,

    /// <summary>Group norm with 32 groups: conv + GN + ReLU (FCOS's and ATSS's <c>norm_cfg=dict(type='GN', num_groups=32)</c>).</summary>
    GroupNorm,
}
