using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// Training targets of every anchor of a batch (N images × A anchors, image-major), as MMDetection's
/// <c>AnchorHead.get_targets</c> with a pseudo sampler builds them. Tensors belong to the caller's dispose scope.
/// </summary>
/// <param name="Labels">int64 (N·A): the assigned gt's label on positives, C (background) elsewhere.</param>
/// <param name="LabelWeights">float (N·A): 1 on positives and negatives, 0 on ignored and invalid anchors.</param>
/// <param name="PosIndex">int64 (P): positives, as indices into the N·A anchors.</param>
/// <param name="PosGtBoxes">(P, 4): the gt box of each positive.</param>
/// <param name="PosImage">int64 (P): the image of each positive.</param>
/// <param name="PosAnchors">(P, 4): the anchor of each positive.</param>
/// <param name="AnchorLevels">int64 (N·A): the pyramid level of every anchor.</param>
/// <param name="PosCount">Positives of each image (N host values: the shapes of the assignment).</param>
/// <param name="Thresholds">
/// Every gt's IoU threshold, images concatenated (ΣG), when the assigner has one per gt (ATSS, Dynamic ATSS); null
/// for MaxIoU.
/// </param>
/// <param name="GtCount">Gts of each image (N host values: the shapes of the gt tensors).</param>
public sealed record AnchorTargets(Tensor Labels, Tensor LabelWeights, Tensor PosIndex, Tensor PosGtBoxes, Tensor PosImage,
    Tensor PosAnchors, Tensor AnchorLevels, IReadOnlyList<long> PosCount, Tensor? Thresholds = null, IReadOnlyList<long>? GtCount = null)
{
    /// <summary>int64 (P): the pyramid level of each positive (a new tensor, caller's scope).</summary>
    public Tensor PosLevels() => AnchorLevels.IndexSelect(0, PosIndex);
}
