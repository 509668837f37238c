namespace DynDet.Torch;

/// <summary>What a <see cref="Scalar"/> holds.</summary>
public enum ScalarKind
{
    /// <summary>A 64-bit integer.</summary>
    Integer,

    /// <summary>A double.</summary>
    Floating,

    /// <summary>A bool.</summary>
    Boolean,
}
