using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// The boxes a sampler chose for one image, positives first then negatives: MMDetection's
/// <c>SamplingResult</c>. It <b>owns</b> its tensors (they belong to no dispose scope): dispose it, and do not
/// dispose the tensors its properties return. Indices refer to the boxes the sampler saw, i.e. with the gts
/// prepended when the sampler adds them as proposals.
/// </summary>
public sealed class SamplingResult : IDisposable
{
    /// <summary>
    /// Builds the result from sampled indices, MMDetection's <c>SamplingResult.__init__</c>. Copies what it
    /// needs; the arguments stay the caller's.
    /// </summary>
    /// <param name="posIndices">int64 (P): sampled positive rows of <paramref name="boxes"/>.</param>
    /// <param name="negIndices">int64 (Q): sampled negative rows of <paramref name="boxes"/>.</param>
    /// <param name="boxes">The boxes sampled from (N', 4), gts first when they were added.</param>
    /// <param name="gtBoxes">The image's gt boxes (G, 4).</param>
    /// <param name="assignment">The assignment of <paramref name="boxes"/> (N' rows).</param>
    /// <param name="gtFlags">bool (N'): which rows of <paramref name="boxes"/> are added gts.</param>
    public SamplingResult(Tensor posIndices, Tensor negIndices, Tensor boxes, Tensor gtBoxes, AssignResult assignment,
        Tensor gtFlags)
    {
        ArgumentNullException.ThrowIfNull(posIndices);
        ArgumentNullException.ThrowIfNull(negIndices);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(gtBoxes);
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(gtFlags);
        using var scope = Engine.NewDisposeScope();
        NumGts = gtBoxes.Size(0);
        PosIndices = posIndices.To(ScalarType.Int64, copy: true);
        NegIndices = negIndices.To(ScalarType.Int64, copy: true);
        PosBoxes = boxes.IndexSelect(0, PosIndices);
        NegBoxes = boxes.IndexSelect(0, NegIndices);
        PosIsGt = gtFlags.IndexSelect(0, PosIndices).To(ScalarType.Bool);
        PosAssignedGtIndices = assignment.GtIndices.IndexSelect(0, PosIndices) - 1L;
        PosGtBoxes = NumGts == 0
            ? Tensor.Zeros([0, 4], gtBoxes.Dtype, gtBoxes.Device)
            : gtBoxes.Reshape(-1, 4).IndexSelect(0, PosAssignedGtIndices);
        PosGtLabels = assignment.Labels?.IndexSelect(0, PosIndices);
        foreach (var t in (Tensor?[])[PosIndices, NegIndices, PosBoxes, NegBoxes, PosIsGt, PosAssignedGtIndices, PosGtBoxes, PosGtLabels])
        {
            t?.DetachFromDisposeScope();
        }
    }

    /// <summary>Number of gts of the image (G).</summary>
    public long NumGts { get; }

    /// <summary>Number of sampled positives (P).</summary>
    public long NumPos => PosIndices.Size(0);

    /// <summary>Number of sampled negatives (Q).</summary>
    public long NumNeg => NegIndices.Size(0);

    /// <summary>int64 (P): rows of the sampled boxes that are positive, ascending.</summary>
    public Tensor PosIndices { get; }

    /// <summary>int64 (Q): rows of the sampled boxes that are negative, ascending.</summary>
    public Tensor NegIndices { get; }

    /// <summary>(P, 4): the positive boxes.</summary>
    public Tensor PosBoxes { get; }

    /// <summary>(Q, 4): the negative boxes.</summary>
    public Tensor NegBoxes { get; }

    /// <summary>bool (P): which positives are gts added as proposals.</summary>
    public Tensor PosIsGt { get; }

    /// <summary>int64 (P): the 0-based gt index of each positive.</summary>
    public Tensor PosAssignedGtIndices { get; }

    /// <summary>(P, 4): the gt box of each positive (the regression target before encoding).</summary>
    public Tensor PosGtBoxes { get; }

    /// <summary>int64 (P), or null when the assignment had no labels: the gt label of each positive.</summary>
    public Tensor? PosGtLabels { get; }

    /// <summary>A new (P + Q, 4) tensor of the positive then the negative boxes, owned by the caller's dispose scope (MMDetection's <c>bboxes</c>).</summary>
    public Tensor Boxes => Tensor.Cat([PosBoxes, NegBoxes]);

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        PosIndices.Dispose();
        NegIndices.Dispose();
        PosBoxes.Dispose();
        NegBoxes.Dispose();
        PosIsGt.Dispose();
        PosAssignedGtIndices.Dispose();
        PosGtBoxes.Dispose();
        PosGtLabels?.Dispose();
    }
}
