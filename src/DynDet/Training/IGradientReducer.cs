using DynDet.Torch;

namespace DynDet.Training;

/// <summary>
/// The training step's gradient-reduction slot, between backward and clipping: a data-parallel run averages the
/// gradients of all processes here (in place); a single process leaves them as they are
/// (<see cref="SingleProcessGradients"/>).
/// </summary>
public interface IGradientReducer
{
    /// <summary>Reduces <paramref name="gradients"/> in place.</summary>
    void Reduce(IReadOnlyList<Tensor> gradients);
}
