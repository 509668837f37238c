using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Losses;

/// <summary>
/// VFNet's Varifocal Loss (SPEC §6.4; MMDetection's <c>varifocal_loss</c> in <c>varifocal_loss.py</c>), an option of
/// Dynamic ATSS's classification (SPEC §7.2, the paper's Eq. 7) with the positives' predicted IoU as the soft target
/// q. With <c>p = σ(x)</c> and t the target of each entry (q at a positive's class, 0 elsewhere):
/// <c>BCE(x, t) · w</c>, <c>w = t</c> where <c>t &gt; 0</c> (IoU-weighted; 1 when not) and <c>α·|p − t|^γ</c> where
/// <c>t ≤ 0</c>. As in MMDetection, whether an entry is a positive is decided by its target: a positive whose q is 0
/// counts as a negative (the head clamps q ≥ 1e-6, as VFNet's head does, so it never happens there).
/// </summary>
public sealed class VarifocalLoss
{
    /// <summary>VFNet's α (0.75), the weight of the negatives.</summary>
    public const double DefaultAlpha = 0.75;

    /// <summary>VFNet's γ (2.0).</summary>
    public const double DefaultGamma = 2.0;

    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">Weight of the negatives, in [0, 1] (default 0.75).</param>
    /// <param name="gamma">Focusing exponent of the negatives, finite and ≥ 0 (default 2).</param>
    /// <param name="iouWeighted">Whether positives are weighted by their target (default true) or by 1.</param>
    /// <param name="lossWeight">Multiplier of the loss, ≥ 0 (default 1).</param>
    public VarifocalLoss(double alpha = DefaultAlpha, double gamma = DefaultGamma, bool iouWeighted = true, double lossWeight = 1.0)
    {
        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must lie in [0, 1]");
        }

        if (!(gamma >= 0) || double.IsInfinity(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be finite and ≥ 0");
        }

        Alpha = alpha;
        Gamma = gamma;
        IouWeighted = iouWeighted;
        LossWeight = IouLoss.CheckLossWeight(lossWeight);
    }

    /// <summary>Weight of the negatives.</summary>
    public double Alpha { get; }

    /// <summary>Focusing exponent of the negatives.</summary>
    public double Gamma { get; }

    /// <summary>Whether positives are weighted by their target.</summary>
    public bool IouWeighted { get; }

    /// <summary>Multiplier of the loss, ≥ 0.</summary>
    public double LossWeight { get; }

    /// <summary>The element-wise loss (N, C), times <see cref="LossWeight"/> and the optional weight.</summary>
    /// <param name="logits">Class logits (N, C).</param>
    /// <param name="labels">int64 labels (N): a class in [0, C) for positives, anything else for background.</param>
    /// <param name="scores">Soft targets q (N) of the positives.</param>
    /// <param name="weight">Label weights (N) or element weights (N, C), or null.</param>
    public Tensor Elementwise(Tensor logits, Tensor labels, Tensor scores, Tensor? weight = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = Engine.NewDisposeScope();
        var targets = QualityFocalLoss.SoftTargets(labels, scores, logits.Size(-1), logits.Dtype);
        var loss = Loss(logits, targets, Alpha, Gamma, IouWeighted);
        if (LossWeight != 1.0)
        {
            loss = loss * LossWeight;
        }

        return scope.MoveToOuter(LossReduction.ApplyWeight(loss, weight));
    }

    /// <summary>MMDetection's <c>varifocal_loss</c> element by element (any shape), unweighted.</summary>
    /// <param name="logits">Logits.</param>
    /// <param name="targets">Targets in [0, 1], the logits' shape.</param>
    /// <param name="alpha">Weight of the negatives.</param>
    /// <param name="gamma">Focusing exponent of the negatives.</param>
    /// <param name="iouWeighted">Whether positives are weighted by their target.</param>
    public static Tensor Loss(Tensor logits, Tensor targets, double alpha = DefaultAlpha, double gamma = DefaultGamma,
        bool iouWeighted = true)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        QualityFocalLoss.CheckShapes(logits, targets);
        using var scope = Engine.NewDisposeScope();
        var t = targets.Dtype == logits.Dtype ? targets : targets.To(logits.Dtype);
        var positive = t.Gt(0.0).To(t.Dtype);
        var negative = t.Le(0.0).To(t.Dtype);
        var negativeWeight = alpha * (logits.Sigmoid() - t).Abs().Pow(gamma) * negative;
        var focalWeight = (iouWeighted ? t * positive : positive) + negativeWeight;
        var bce = Functional.BinaryCrossEntropyWithLogits(logits, t, reduction: Reduction.None);
        return scope.MoveToOuter(bce * focalWeight);
    }
}
