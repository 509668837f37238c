using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Losses;

/// <summary>
/// GFL's Quality Focal Loss (SPEC §6.2; MMDetection's <c>quality_focal_loss</c> in <c>gfocal_loss.py</c>), the
/// classification loss of Dynamic ATSS (SPEC §7.2) with the positives' predicted IoU as the soft target q. With
/// <c>p = σ(x)</c>: every entry starts as a negative, <c>BCE(x, 0) · p^β</c>; a positive's entry at its gt class is
/// <c>BCE(x, q) · |q − p|^β</c>. Both are <c>BCE(x, t) · |t − p|^β</c> with t = q at the positive's class and 0
/// elsewhere, which is how it is computed here (one pass, no scatter of rows). No α.
/// </summary>
public sealed class QualityFocalLoss
{
    /// <summary>GFL's β (2.0).</summary>
    public const double DefaultBeta = 2.0;

    /// <summary>Creates the loss.</summary>
    /// <param name="beta">Focusing exponent β, finite and ≥ 0 (default 2).</param>
    /// <param name="lossWeight">Multiplier of the loss, ≥ 0 (MMDetection's <c>loss_weight</c>, default 1).</param>
    public QualityFocalLoss(double beta = DefaultBeta, double lossWeight = 1.0)
    {
        if (!(beta >= 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be finite and ≥ 0");
        }

        Beta = beta;
        LossWeight = IouLoss.CheckLossWeight(lossWeight);
    }

    /// <summary>Focusing exponent β.</summary>
    public double Beta { get; }

    /// <summary>Multiplier of the loss, ≥ 0.</summary>
    public double LossWeight { get; }

    /// <summary>
    /// The element-wise loss (N, C), times <see cref="LossWeight"/> and the optional weight.
    /// </summary>
    /// <param name="logits">Class logits (N, C).</param>
    /// <param name="labels">int64 labels (N): a class in [0, C) for positives, anything else (C, −1) for background.</param>
    /// <param name="scores">Soft targets q (N) of the positives (values of other rows are not used).</param>
    /// <param name="weight">Label weights (N) or element weights (N, C), or null.</param>
    public Tensor Elementwise(Tensor logits, Tensor labels, Tensor scores, Tensor? weight = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(scores);
        using var scope = Engine.NewDisposeScope();
        var targets = SoftTargets(labels, scores, logits.Size(-1), logits.Dtype);
        var loss = Loss(logits, targets, Beta);
        if (LossWeight != 1.0)
        {
            loss = loss * LossWeight;
        }

        return scope.MoveToOuter(LossReduction.ApplyWeight(loss, weight));
    }

    /// <summary>
    /// <c>BCE(x, t) · |t − σ(x)|^β</c> element by element (any shape), unweighted; t is the soft target of each entry
    /// (q at a positive's class, 0 elsewhere).
    /// </summary>
    /// <param name="logits">Logits.</param>
    /// <param name="targets">Targets in [0, 1], the logits' shape.</param>
    /// <param name="beta">Focusing exponent β ≥ 0.</param>
    public static Tensor Loss(Tensor logits, Tensor targets, double beta = DefaultBeta)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        CheckShapes(logits, targets);
        using var scope = Engine.NewDisposeScope();
        var t = targets.Dtype == logits.Dtype ? targets : targets.To(logits.Dtype);
        // |0 − p| is p exactly, so a negative entry is MMDetection's BCE(x, 0) · p^β bit for bit.
        var scale = (t - logits.Sigmoid()).Abs().Pow(beta);
        var bce = Functional.BinaryCrossEntropyWithLogits(logits, t, reduction: Reduction.None);
        return scope.MoveToOuter(bce * scale);
    }

    /// <summary>
    /// Soft targets (N, C): row i holds <c>scores[i]</c> at column <c>labels[i]</c> when that is a class in [0, C), zeros
    /// elsewhere. One comparison on the device, no host read.
    /// </summary>
    /// <param name="labels">int64 labels (N).</param>
    /// <param name="scores">Scores (N).</param>
    /// <param name="numClasses">C ≥ 1.</param>
    /// <param name="dtype">Dtype of the result.</param>
    public static Tensor SoftTargets(Tensor labels, Tensor scores, long numClasses, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Dim != 1 || scores.Size(0) != labels.Size(0))
        {
            throw new ArgumentException(
                $"scores [{string.Join(", ", scores.Shape)}] must be one per label ({labels.Size(0)})", nameof(scores));
        }

        using var scope = Engine.NewDisposeScope();
        var oneHot = SigmoidFocalLoss.OneHot(labels, numClasses, dtype);
        return scope.MoveToOuter(oneHot * scores.To(dtype).Unsqueeze(1));
    }

    internal static void CheckShapes(Tensor logits, Tensor targets)
    {
        if (!logits.Shape.AsSpan().SequenceEqual(targets.Shape))
        {
            throw new ArgumentException(
                $"targets [{string.Join(", ", targets.Shape)}] must have the logits' shape [{string.Join(", ", logits.Shape)}]",
                nameof(targets));
        }
    }
}
