using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Losses;

/// <summary>
/// GIoU loss (SPEC §4 "tricks", §5 ATSS, §6 GFL/VFNet): <c>1 − GIoU</c> of each predicted box with its aligned
/// target box, as MMDetection's <c>giou_loss</c> over <c>bbox_overlaps(mode='giou', is_aligned=True, eps)</c>, where
/// the union and the enclosing area are clamped below at eps. Values lie in [0, 2]; disjoint pairs still get a
/// gradient from the enclosing box. Equals <c>torchvision.ops.generalized_box_iou_loss</c> (which adds eps instead
/// of clamping) for boxes with a positive union and enclosing area. Boxes are <c>(x1, y1, x2, y2)</c> without "+1".
/// </summary>
public sealed class GiouLoss
{
    /// <summary>
    /// The eps of MMDetection's <c>GIoULoss</c> module (<c>GIoULoss(eps=1e-6)</c>), i.e. what an MMDetection config
    /// computes; the default here.
    /// </summary>
    public const double DefaultEps = 1e-6;

    /// <summary>
    /// The eps of MMDetection's bare <c>giou_loss</c> function and of <c>torchvision.ops.generalized_box_iou_loss</c>.
    /// </summary>
    public const double FunctionEps = 1e-7;

    /// <summary>Creates the loss.</summary>
    /// <param name="eps">Floor of the union and the enclosing area, &gt; 0 (default 1e-6, MMDetection's module).</param>
    /// <param name="lossWeight">Multiplier of the loss, ≥ 0 (MMDetection's <c>loss_weight</c>: 2.0 in ATSS and GFL, default 1).</param>
    public GiouLoss(double eps = DefaultEps, double lossWeight = 1.0)
    {
        Eps = IouLoss.CheckEps(eps);
        LossWeight = IouLoss.CheckLossWeight(lossWeight);
    }

    /// <summary>Floor of the union and the enclosing area, &gt; 0.</summary>
    public double Eps { get; }

    /// <summary>Multiplier of the loss, ≥ 0.</summary>
    public double LossWeight { get; }

    /// <summary>
    /// The loss of each pair, shape <c>(..., N)</c>, times <see cref="LossWeight"/> and the optional weight.
    /// </summary>
    /// <param name="prediction">Predicted boxes <c>(..., N, 4)</c>.</param>
    /// <param name="target">Target boxes <c>(..., N, 4)</c>, aligned with <paramref name="prediction"/>.</param>
    /// <param name="weight">
    /// Per-pair weight <c>(..., N)</c> (centerness target, IoU), or <c>(..., N, 4)</c> averaged over the last
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

        return scope.MoveToOuter(LossReduction.ApplyWeight(loss, IouLoss.PairWeight(weight, prediction)));
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

    /// <summary><c>1 − GIoU</c> of aligned pairs, unweighted, shape <c>(..., N)</c>.</summary>
    /// <param name="prediction">Predicted boxes <c>(..., N, 4)</c>.</param>
    /// <param name="target">Target boxes <c>(..., N, 4)</c>.</param>
    /// <param name="eps">Floor of the union and the enclosing area (default 1e-6).</param>
    public static Tensor Loss(Tensor prediction, Tensor target, double eps = DefaultEps)
    {
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(1.0 - BoxOps.AlignedGiou(prediction, target, eps));
    }
}
