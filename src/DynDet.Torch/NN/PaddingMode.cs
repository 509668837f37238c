namespace DynDet.Torch.NN;

/// <summary>Values <see cref="Functional.GridSample"/> reads outside the input; numbers are ATen's.</summary>
public enum PaddingMode
{
    /// <summary>Zero outside the input.</summary>
    Zeros = 0,

    /// <summary>The nearest border value.</summary>
    Border = 1,

    /// <summary>Reflection at the border.</summary>
    Reflection = 2,
}
