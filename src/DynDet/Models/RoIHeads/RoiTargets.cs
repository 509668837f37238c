using DynDet.Torch;

namespace DynDet.Models.RoIHeads;

/// <summary>
/// The sampled RoIs of a training batch and their targets (SPEC §2.2 "R-CNN targets"): per image, positives
/// first then negatives; tensors follow the caller's dispose scope.
/// </summary>
/// <param name="Rois">(R, 5): batch index, x1, y1, x2, y2.</param>
/// <param name="Labels">(R): the gt class of positives, C (background) for negatives.</param>
/// <param name="PositiveRows">(P): the rows of <paramref name="Rois"/> that are positive.</param>
/// <param name="PositiveLabels">(P): their classes.</param>
/// <param name="PositiveTargets">(P, 4): their encoded, normalised deltas.</param>
/// <param name="MaxOverlaps">Per image, the assignment's max IoU per box after the gts were prepended (DLA's pool).</param>
/// <param name="OriginalErrors">The original repository's β pool (all proposals' |dx|,|dy| means), or null.</param>
public sealed record RoiTargets(
    Tensor Rois,
    Tensor Labels,
    Tensor PositiveRows,
    Tensor PositiveLabels,
    Tensor PositiveTargets,
    IReadOnlyList<Tensor> MaxOverlaps,
    Tensor? OriginalErrors)
{
    /// <summary>Positive RoIs P.</summary>
    public long Positives => PositiveRows.Size(0);

    /// <summary>Sampled RoIs R.</summary>
    public long Sampled => Rois.Size(0);
}
