namespace DynDet.Torch.NN;

/// <summary>2-D max pooling; no parameters.</summary>
/// <param name="kernelSize">Window size (≥ 1).</param>
/// <param name="stride">Stride (default: the window size).</param>
/// <param name="padding">Implicit −∞ padding on every side (default 0).</param>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0) : Module<Tensor, Tensor>
{
    /// <summary>Window size.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Stride.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Padding.</summary>
    public int Padding { get; } = padding;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding);
}
