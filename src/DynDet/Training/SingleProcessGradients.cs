using DynDet.Torch;

namespace DynDet.Training;

/// <summary>The gradient reducer of a single-process run: one process's gradients are already the average.</summary>
public sealed class SingleProcessGradients : IGradientReducer
{
    /// <summary>The one instance.</summary>
    public static SingleProcessGradients Instance { get; } = new();

    private SingleProcessGradients()
    {
    }

    /// <inheritdoc />
    public void Reduce(IReadOnlyList<Tensor> gradients) => ArgumentNullException.ThrowIfNull(gradients);

    /// <inheritdoc />
    public IReadOnlyList<bool> WithGradientAnywhere(IReadOnlyList<bool> here)
    {
        ArgumentNullException.ThrowIfNull(here);
        return here;
    }
}
