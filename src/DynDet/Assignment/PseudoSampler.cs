using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// MMDetection's <c>PseudoSampler</c>, for one-stage heads that train on every assigned box: all positives
/// (<c>gt_inds &gt; 0</c>) and all negatives (<c>gt_inds == 0</c>); ignored boxes are left out. Gts are never
/// added as proposals and no random numbers are drawn.
/// </summary>
public sealed class PseudoSampler : IBoxSampler
{
    /// <inheritdoc />
    public SamplingResult Sample(AssignResult assignment, Tensor boxes, Tensor gtBoxes, Tensor? gtLabels = null)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(gtBoxes);
        using var scope = Engine.NewDisposeScope();
        var candidates = SamplerInputs.Boxes(boxes, assignment);
        var pos = assignment.GtIndices.Gt(0).NonzeroFlat();
        var neg = assignment.GtIndices.Eq(0).NonzeroFlat();
        var gtFlags = Tensor.Zeros([candidates.Size(0)], ScalarType.Bool, candidates.Device);
        return new SamplingResult(pos, neg, candidates, gtBoxes, assignment, gtFlags);
    }
}
