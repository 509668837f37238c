using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Losses;

/// <summary>
/// IoU loss (SPEC §4; FCOS): <c>−ln(max(IoU, eps))</c> of each predicted box with its aligned target box, as
/// MMDetection's <c>iou_loss</c> (<c>linear=False</c>, <c>eps=1e-6</c>) over <c>bbox_overlaps(is_aligned=True)</c>.
/// Disjoint pairs get <c>−ln(eps)</c> ≈ 13.8 and no gradient (the clamp). Boxes are <c>(x1, y1, x2, y2)</c>
/// without "+1". The per-element values are kept so a head can sum them per pyramid level.
/// </summary>
public sealed class IouLoss
{
    /// <summary>MMDetection's <c>IoULoss</c> eps: the floor of the IoU (and of the union).</summary>
    public const double DefaultEps = 1e-6;

    /// <summary>Creates the loss.</summary>
    /// <param name="eps">Floor of the IoU and of the union, &gt; 0 (default 1e-6).</param>
    /// <param name="lossWeight">Multiplier of the loss, ≥ 0 (MMDetection's <c>loss_weight</c>, default 1).</param>
    public IouLoss(double eps = DefaultEps, double lossWeight = 1.0)
    {
        Eps = CheckEps(eps);
        LossWeight = CheckLossWeight(lossWeight);
    }

    /// <summary>Floor of the IoU and of the union, &gt; 0.</summary>
    public double Eps { get; }

    /// <summary>Multiplier of the loss, ≥ 0.</summary>
    public double LossWeight { get; }

    /// <summary>
    /// The loss of each pair, shape <c>(..., N)</c>, times <see cref="LossWeight"/> and the optional weight.
    /// </summary>
    /// <param name="prediction">Predicted boxes <c>(..., N, 4)</c>.</param>
    /// <param name="target">Target boxes <c>(..., N, 4)</c>, aligned with <paramref name="prediction"/>.</param>
    /// <param name="weight">
    /// Per-pair weight <c>(..., N)</c> (e.g. the centerness target), or <c>(..., N, 4)</c> averaged over the last
    /// dimension as MMDetection does; null for none.
    /// </param>
    public Tensor Elementwise(Tensor prediction, Tensor target, Tensor? weight = null)
    {
        using var scope = Engine.NewDisposeScope();
        var loss = Loss(prediction, target, Eps);
        if (LossWeight != 1.0)
        {
            loss = loss * LossWeight;
        }

        return scope.MoveToOuter(LossReduction.ApplyWeight(loss, PairWeight(weight, prediction)));
    }

    /// <summary><c>LossWeight · Σ (loss · weight) / avgFactor</c>, a 0-d tensor.</summary>
    /// <param name="prediction">Predicted boxes <c>(..., N, 4)</c>.</param>
    /// <param name="target">Target boxes, aligned.</param>
    /// <param name="weight">Per-pair weight, or null.</param>
    /// <param name="avgFactor">One-element tensor (&gt; 0), e.g. the sum of the centerness targets.</param>
    public Tensor Compute(Tensor prediction, Tensor target, Tensor? weight, Tensor avgFactor)
    {
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(LossReduction.WeightReduce(Elementwise(prediction, target, weight), null, avgFactor));
    }

    /// <summary>
    /// <see cref="Compute"/> split by pyramid level (1-d, <paramref name="numLevels"/> values summing to it).
    /// </summary>
    /// <param name="prediction">Predicted boxes (P, 4).</param>
    /// <param name="target">Target boxes (P, 4), aligned.</param>
    /// <param name="weight">Per-pair weight (P), or null.</param>
    /// <param name="avgFactor">One-element tensor (&gt; 0), the head's global normaliser.</param>
    /// <param name="levelIds">int64 level of each pair (P), in [0, <paramref name="numLevels"/>).</param>
    /// <param name="numLevels">Number of levels L (≥ 1).</param>
    public Tensor ComputePerLevel(Tensor prediction, Tensor target, Tensor? weight, Tensor avgFactor, Tensor levelIds,
        int numLevels)
    {
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(
            LossReduction.PerLevel(Elementwise(prediction, target, weight), null, avgFactor, levelIds, numLevels));
    }

    /// <summary><c>−ln(max(IoU, eps))</c> of aligned pairs, unweighted, shape <c>(..., N)</c>.</summary>
    /// <param name="prediction">Predicted boxes <c>(..., N, 4)</c>.</param>
    /// <param name="target">Target boxes <c>(..., N, 4)</c>.</param>
    /// <param name="eps">Floor of the union and of the IoU (default 1e-6).</param>
    public static Tensor Loss(Tensor prediction, Tensor target, double eps = DefaultEps)
    {
        using var scope = Engine.NewDisposeScope();
        // MMDetection calls bbox_overlaps with its own default eps (1e-6) for the union and clamps the IoU with the
        // loss's eps; both are the same number unless a caller changes the loss's.
        var ious = BoxOps.AlignedIou(prediction, target, BoxOps.DefaultEps).ClampMin(eps);
        return scope.MoveToOuter(-ious.Log());
    }

    /// <summary>A per-pair weight: <c>(..., N, 4)</c> weights (the boxes' shape) are averaged over the 4 coordinates.</summary>
    internal static Tensor? PairWeight(Tensor? weight, Tensor prediction)
    {
        if (weight is null)
        {
            return null;
        }

        ArgumentNullException.ThrowIfNull(prediction);
        return weight.Dim > 1 && weight.Shape.AsSpan().SequenceEqual(prediction.Shape) ? weight.Mean(-1) : weight.Alias();
    }

    internal static double CheckEps(double eps) =>
        eps > 0 && double.IsFinite(eps) ? eps : throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be finite and > 0");

    internal static double CheckLossWeight(double lossWeight) =>
        lossWeight >= 0 && double.IsFinite(lossWeight)
            ? lossWeight
            : throw new ArgumentOutOfRangeException(nameof(lossWeight), lossWeight, "the loss weight must be finite and ≥ 0");
}
