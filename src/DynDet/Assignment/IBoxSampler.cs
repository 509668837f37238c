using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>Chooses which assigned boxes train a head: MMDetection's <c>BaseSampler.sample</c>.</summary>
public interface IBoxSampler
{
    /// <summary>
    /// Samples positives and negatives of one image.
    /// </summary>
    /// <param name="assignment">The assignment of <paramref name="boxes"/>; samplers that add the gts as proposals change it in place (<see cref="AssignResult.AddGtAsProposals"/>).</param>
    /// <param name="boxes">The assigned boxes (N, 4) (a fifth score column is dropped).</param>
    /// <param name="gtBoxes">The image's ground-truth boxes (G, 4).</param>
    /// <param name="gtLabels">Their int64 labels (G), needed when gts are added as proposals.</param>
    /// <returns>The sample; the caller owns (disposes) it.</returns>
    SamplingResult Sample(AssignResult assignment, Tensor boxes, Tensor gtBoxes, Tensor? gtLabels = null);
}
