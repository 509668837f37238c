namespace DynDet.Torch.NN;

/// <summary>Returns its input (a new handle to the same tensor); a placeholder where a layer is optional.</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Alias();
    }
}
