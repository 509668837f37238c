using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Losses;

/// <summary>
/// Binary cross-entropy on logits, element by element: MMDetection's <c>CrossEntropyLoss(use_sigmoid=True)</c>, the
/// centerness loss of FCOS and ATSS (SPEC §4, §5; weight 1, averaged over the number of positives) and Dynamic
/// ATSS's IoU branch (SPEC §7.2). <c>−[t·ln σ(x) + (1 − t)·ln(1 − σ(x))]</c> with soft targets t in [0, 1], computed
/// by the numerically stable fused op. The per-element values are kept so a head can sum them per pyramid level.
/// </summary>
public sealed class BinaryCrossEntropyLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="lossWeight">Multiplier of the loss, ≥ 0 (MMDetection's <c>loss_weight</c>, default 1).</param>
    public BinaryCrossEntropyLoss(double lossWeight = 1.0)
    {
        LossWeight = IouLoss.CheckLossWeight(lossWeight);
    }

    /// <summary>Multiplier of the loss, ≥ 0.</summary>
    public double LossWeight { get; }

    /// <summary>The loss of each logit (the logits' shape), times <see cref="LossWeight"/> and the optional weight.</summary>
    /// <param name="logits">Logits, any shape (e.g. (P) centerness of the positives), floating point.</param>
    /// <param name="targets">Targets in [0, 1], the logits' shape (converted to their dtype).</param>
    /// <param name="weight">Element weight (see <see cref="LossReduction.ApplyWeight"/>), or null.</param>
    public Tensor Elementwise(Tensor logits, Tensor targets, Tensor? weight = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (!logits.Shape.AsSpan().SequenceEqual(targets.Shape))
        {
            throw new ArgumentException(
                $"targets [{string.Join(", ", targets.Shape)}] must have the logits' shape [{string.Join(", ", logits.Shape)}]",
                nameof(targets));
        }

        using var scope = Engine.NewDisposeScope();
        var t = targets.Dtype == logits.Dtype ? targets : targets.To(logits.Dtype);
        var loss = Functional.BinaryCrossEntropyWithLogits(logits, t, reduction: Reduction.None);
        if (LossWeight != 1.0)
        {
            loss = loss * LossWeight;
        }

        return scope.MoveToOuter(LossReduction.ApplyWeight(loss, weight));
    }

    /// <summary><c>LossWeight · Σ (loss · weight) / avgFactor</c>, a 0-d tensor.</summary>
    /// <param name="logits">Logits, any shape.</param>
    /// <param name="targets">Targets in [0, 1], the logits' shape.</param>
    /// <param name="weight">Element weight, or null.</param>
    /// <param name="avgFactor">One-element tensor (&gt; 0), e.g. the number of positives.</param>
    public Tensor Compute(Tensor logits, Tensor targets, Tensor? weight, Tensor avgFactor)
    {
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(LossReduction.WeightReduce(Elementwise(logits, targets, weight), null, avgFactor));
    }

    /// <summary><see cref="Compute"/> split by pyramid level (1-d, <paramref name="numLevels"/> values summing to it).</summary>
    /// <param name="logits">Logits (P) or (P, ...), one row per prior.</param>
    /// <param name="targets">Targets in [0, 1], the logits' shape.</param>
    /// <param name="weight">Element weight, or null.</param>
    /// <param name="avgFactor">One-element tensor (&gt; 0), the head's global normaliser.</param>
    /// <param name="levelIds">int64 level of each row (P), in [0, <paramref name="numLevels"/>).</param>
    /// <param name="numLevels">Number of levels L (≥ 1).</param>
    public Tensor ComputePerLevel(Tensor logits, Tensor targets, Tensor? weight, Tensor avgFactor, Tensor levelIds,
        int numLevels)
    {
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(
            LossReduction.PerLevel(Elementwise(logits, targets, weight), null, avgFactor, levelIds, numLevels));
    }
}
