namespace DynDet.Torch.NN;

/// <summary>Rectified linear unit, <c>max(x, 0)</c>; no parameters.</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }
}
