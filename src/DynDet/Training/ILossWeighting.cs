using DynDet.Models.Detectors;
using DynDet.Torch;

namespace DynDet.Training;

/// <summary>
/// The training step's loss-weighting slot: turns a detector's loss terms into the scalar that is
/// back-propagated. The per-level balancers (SPEC §7.1) fill it; without one it is <see cref="UnitLossWeighting"/>.
/// </summary>
public interface ILossWeighting
{
    /// <summary>The scalar to back-propagate for <paramref name="losses"/> (a tensor in the graph).</summary>
    Tensor Weighted(DetectorLosses losses);
}
