namespace DynDet.Torch.NN;

/// <summary>A module with a typed forward pass.</summary>
/// <typeparam name="TInput">What <see cref="Forward"/> takes.</typeparam>
/// <typeparam name="TOutput">What <see cref="Forward"/> returns.</typeparam>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>Computes the output; results follow the caller's dispose scope.</summary>
    public abstract TOutput Forward(TInput input);
}
