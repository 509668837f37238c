using DynDet.Models.Detectors;
using DynDet.Torch;

namespace DynDet.Training;

/// <summary>Every term at weight 1: the detector's own total, exactly.</summary>
public sealed class UnitLossWeighting : ILossWeighting
{
    /// <summary>The one instance.</summary>
    public static UnitLossWeighting Instance { get; } = new();

    private UnitLossWeighting()
    {
    }

    /// <inheritdoc />
    public Tensor Weighted(DetectorLosses losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        return losses.Total.Alias();
    }
}
