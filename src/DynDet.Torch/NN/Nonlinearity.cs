namespace DynDet.Torch.NN;

/// <summary>The non-linearity following a layer, for the gain of <see cref="Init"/> (PyTorch's <c>calculate_gain</c>).</summary>
public enum Nonlinearity
{
    /// <summary>Identity, convolution, sigmoid: gain 1.</summary>
    Linear,

    /// <summary>ReLU: gain √2.</summary>
    Relu,

    /// <summary>Leaky ReLU with slope a: gain √(2 / (1 + a²)).</summary>
    LeakyRelu,

    /// <summary>tanh: gain 5/3.</summary>
    Tanh,
}
