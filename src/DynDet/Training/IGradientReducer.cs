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

    /// <summary>
    /// Which parameters have a gradient on at least one process, given which have one in this process
    /// (<paramref name="here"/>, in the optimizer's order; one small all-reduce in a data-parallel run). Every process
    /// then reduces the gradients of exactly those parameters, with zeros where it has none (a head whose loss had no
    /// positives in this process's images), so that all of them reduce the same list and the average is the one a
    /// single process with the whole batch gets; a parameter without a gradient anywhere stays without one.
    /// </summary>
    IReadOnlyList<bool> WithGradientAnywhere(IReadOnlyList<bool> here);
}
