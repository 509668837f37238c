namespace DynDet.Models.Necks;

/// <summary>How <see cref="Fpn"/> makes levels beyond the backbone's (SPEC §0.5).</summary>
public enum ExtraLevels
{
    /// <summary>Max-pool (kernel 1, stride 2) of the last output: Faster R-CNN's P6.</summary>
    MaxPool,

    /// <summary>3×3 stride-2 convs, the first on the last backbone input (RetinaNet's <c>on_input</c>).</summary>
    ConvOnInput,

    /// <summary>3×3 stride-2 convs, the first on the last FPN output (ATSS/FCOS <c>on_output</c>).</summary>
    ConvOnOutput,
}
