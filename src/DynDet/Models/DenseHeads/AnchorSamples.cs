using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// What <see cref="AnchorTargetStep"/> chose to train on over a batch (N images × A anchors, image-major): the sampled
/// positives and negatives and what the positives regress to. Tensors belong to the caller's dispose scope.
/// </summary>
/// <param name="PosIndex">int64 (P): positives as indices into the batch's N·A anchors, image by image, ascending within an image.</param>
/// <param name="NegIndex">int64 (Q): negatives, the same way.</param>
/// <param name="PosLevels">int64 (P): the pyramid level of each positive.</param>
/// <param name="NegLevels">int64 (Q): the pyramid level of each negative.</param>
/// <param name="PosImage">int64 (P): the image of each positive.</param>
/// <param name="PosAnchors">(P, 4): the anchor of each positive.</param>
/// <param name="PosGtBoxes">(P, 4): the gt box each positive is assigned to.</param>
/// <param name="PosLabels">int64 (P): that gt's label.</param>
/// <param name="PosTargets">(P, 4): the box coder's targets (positive anchor → gt), encoded image by image; null when the step was given no coder.</param>
/// <param name="PosCount">Positives of each image (N host values: the shapes of the sampling).</param>
/// <param name="NegCount">Negatives of each image (N host values).</param>
/// <param name="AnchorsPerImage">Anchors of one image over all levels (A).</param>
/// <param name="Thresholds">Every gt's IoU threshold, images concatenated (ΣG), from the ATSS assigner; null for MaxIoU.</param>
/// <param name="GtCount">Gts of each image (N host values: the shapes of the gt tensors).</param>
public sealed record AnchorSamples(Tensor PosIndex, Tensor NegIndex, Tensor PosLevels, Tensor NegLevels, Tensor PosImage,
    Tensor PosAnchors, Tensor PosGtBoxes, Tensor PosLabels, Tensor? PosTargets, IReadOnlyList<long> PosCount,
    IReadOnlyList<long> NegCount, long AnchorsPerImage, Tensor? Thresholds = null, IReadOnlyList<long>? GtCount = null)
{
    /// <summary>Positives over the batch.</summary>
    public long NumPos => PosCount.Sum();

    /// <summary>Negatives over the batch.</summary>
    public long NumNeg => NegCount.Sum();
}
