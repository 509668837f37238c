namespace DynDet.Torch.NN;

/// <summary>How a loss reduces its element-wise values; numbers are ATen's.</summary>
public enum Reduction
{
    /// <summary>Element-wise losses, same shape as the input.</summary>
    None = 0,

    /// <summary>Mean of the element-wise losses (PyTorch's default).</summary>
    Mean = 1,

    /// <summary>Sum of the element-wise losses.</summary>
    Sum = 2,
}
