using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Losses;

/// <summary>
/// Sigmoid focal loss (SPEC §3; RetinaNet, FCOS, ATSS): with <c>p = σ(x)</c> and a target <c>t</c> in [0, 1],
/// <c>FL = BCE(x, t) · (α·t + (1 − α)(1 − t)) · ((1 − p)·t + p·(1 − t))^γ</c>, element by element over (N, C)
/// logits. Integer labels become one-hot targets; a label outside [0, C) — the background label C, or −1 for an
/// ignored prior (give it weight 0) — is a row of negatives. Equals <c>torchvision.ops.sigmoid_focal_loss</c>
/// (reduction 'none') and MMDetection's <c>py_sigmoid_focal_loss</c>; the per-element values are kept so a head
/// can sum them per pyramid level (<see cref="LossReduction.PerLevel(Tensor, Tensor?, Tensor, Tensor, int)"/>).
/// </summary>
public sealed class SigmoidFocalLoss
{
    /// <summary>MMDetection's and torchvision's α: the weight of positives (negatives get 1 − α).</summary>
    public const double DefaultAlpha = 0.25;

    /// <summary>MMDetection's and torchvision's γ: the focusing exponent.</summary>
    public const double DefaultGamma = 2.0;

    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">Weight of positives, in [0, 1] (default 0.25).</param>
    /// <param name="gamma">Focusing exponent, ≥ 0 (default 2; 0 gives α-weighted BCE).</param>
    /// <param name="lossWeight">Multiplier of the loss, ≥ 0 (MMDetection's <c>loss_weight</c>, default 1).</param>
    public SigmoidFocalLoss(double alpha = DefaultAlpha, double gamma = DefaultGamma, double lossWeight = 1.0)
    {
        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must lie in [0, 1]");
        }

        if (!(gamma >= 0) || double.IsInfinity(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be finite and ≥ 0");
        }

        if (!(lossWeight >= 0) || double.IsInfinity(lossWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(lossWeight), lossWeight, "the loss weight must be finite and ≥ 0");
        }

        Alpha = alpha;
        Gamma = gamma;
        LossWeight = lossWeight;
    }

    /// <summary>Weight of positives, in [0, 1].</summary>
    public double Alpha { get; }

    /// <summary>Focusing exponent, ≥ 0.</summary>
    public double Gamma { get; }

    /// <summary>Multiplier of the loss, ≥ 0.</summary>
    public double LossWeight { get; }

    /// <summary>
    /// The element-wise loss (N, C) against integer labels, times <see cref="LossWeight"/> and the optional weight.
    /// </summary>
    /// <param name="logits">Class logits (N, C), floating point.</param>
    /// <param name="labels">int64 labels (N): a class in [0, C), or anything else (C, −1) for background.</param>
    /// <param name="weight">Label weights (N) or element weights (N, C) (see <see cref="LossReduction.ApplyWeight"/>), or null.</param>
    public Tensor Elementwise(Tensor logits, Tensor labels, Tensor? weight = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = Engine.NewDisposeScope();
        var targets = OneHot(labels, logits.Size(-1), logits.Dtype);
        return scope.MoveToOuter(ElementwiseSoft(logits, targets, weight));
    }

    /// <summary>
    /// The element-wise loss (N, C) against float targets in [0, 1] (one-hot, or soft scores such as an IoU at the
    /// positive's class), times <see cref="LossWeight"/> and the optional weight.
    /// </summary>
    /// <param name="logits">Class logits (N, C), floating point.</param>
    /// <param name="targets">Targets of the logits' shape, in [0, 1].</param>
    /// <param name="weight">Label weights (N) or element weights (N, C), or null.</param>
    public Tensor ElementwiseSoft(Tensor logits, Tensor targets, Tensor? weight = null)
    {
        using var scope = Engine.NewDisposeScope();
        var loss = Focal(logits, targets, Alpha, Gamma);
        if (LossWeight != 1.0)
        {
            loss = loss * LossWeight;
        }

        return scope.MoveToOuter(LossReduction.ApplyWeight(loss, weight));
    }

    /// <summary>
    /// <c>LossWeight · Σ (loss · weight) / avgFactor</c>, a 0-d tensor, against integer labels (MMDetection's
    /// <c>FocalLoss(pred, labels, label_weights, avg_factor)</c>).
    /// </summary>
    /// <param name="logits">Class logits (N, C).</param>
    /// <param name="labels">int64 labels (N); outside [0, C) is background.</param>
    /// <param name="weight">Label weights (N) or element weights (N, C), or null.</param>
    /// <param name="avgFactor">One-element tensor (&gt; 0), e.g. the number of positives (clamped ≥ 1) counted on the device.</param>
    public Tensor Compute(Tensor logits, Tensor labels, Tensor? weight, Tensor avgFactor)
    {
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(LossReduction.WeightReduce(Elementwise(logits, labels), weight, avgFactor));
    }

    /// <summary>
    /// <see cref="Compute"/> split by pyramid level: entry <c>l</c> sums the rows whose <paramref name="levelIds"/>
    /// is <c>l</c>; the entries sum to <see cref="Compute"/>'s value.
    /// </summary>
    /// <param name="logits">Class logits (N, C).</param>
    /// <param name="labels">int64 labels (N); outside [0, C) is background.</param>
    /// <param name="weight">Label weights (N) or element weights (N, C), or null.</param>
    /// <param name="avgFactor">One-element tensor (&gt; 0), the head's global normaliser.</param>
    /// <param name="levelIds">int64 level of each row (N), in [0, <paramref name="numLevels"/>).</param>
    /// <param name="numLevels">Number of levels L (≥ 1).</param>
    public Tensor ComputePerLevel(Tensor logits, Tensor labels, Tensor? weight, Tensor avgFactor, Tensor levelIds,
        int numLevels)
    {
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(LossReduction.PerLevel(Elementwise(logits, labels), weight, avgFactor, levelIds, numLevels));
    }

    /// <summary>
    /// The focal loss of <paramref name="logits"/> against float <paramref name="targets"/>, element by element,
    /// unweighted (SPEC §3's formula, in MMDetection's order of operations).
    /// </summary>
    /// <param name="logits">Logits, any shape, floating point.</param>
    /// <param name="targets">Targets in [0, 1], the logits' shape.</param>
    /// <param name="alpha">Weight of positives, in [0, 1].</param>
    /// <param name="gamma">Focusing exponent, ≥ 0.</param>
    public static Tensor Focal(Tensor logits, Tensor targets, double alpha = DefaultAlpha, double gamma = DefaultGamma)
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
        var p = logits.Sigmoid();
        var oneMinusT = 1.0 - t;
        // p_t' is the probability of the wrong answer: small on easy examples, which γ then silences.
        var pt = (1.0 - p) * t + p * oneMinusT;
        var focalWeight = (alpha * t + (1 - alpha) * oneMinusT) * pt.Pow(gamma);
        // BCE with logits is stable for large |x|, where ln σ(x) computed from p would be −∞.
        var bce = Functional.BinaryCrossEntropyWithLogits(logits, t, reduction: Reduction.None);
        return scope.MoveToOuter(bce * focalWeight);
    }

    /// <summary>
    /// One-hot float targets (N, <paramref name="numClasses"/>) from int64 labels (N): row i has a 1 in column
    /// <c>labels[i]</c> when that lies in [0, <paramref name="numClasses"/>), and is all zeros otherwise (background
    /// label C, ignore label −1), as MMDetection's one-hot over C + 1 classes with the background column dropped.
    /// Computed by one comparison on the labels' device, so no label is read on the host.
    /// </summary>
    /// <param name="labels">int64 labels (N).</param>
    /// <param name="numClasses">Foreground classes C (≥ 1).</param>
    /// <param name="dtype">Dtype of the targets (default float32).</param>
    public static Tensor OneHot(Tensor labels, long numClasses, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        if (labels.Dim != 1)
        {
            throw new ArgumentException($"labels must be 1-d, got shape [{string.Join(", ", labels.Shape)}]", nameof(labels));
        }

        using var scope = Engine.NewDisposeScope();
        var classes = Tensor.Arange(numClasses, labels.Dtype, labels.Device);
        return scope.MoveToOuter(labels.Unsqueeze(1).Eq(classes.Unsqueeze(0)).To(dtype));
    }
}
