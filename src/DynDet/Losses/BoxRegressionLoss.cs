using DynDet.Config;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Losses;

/// <summary>
/// L1 or SmoothL1 on box deltas with MMDetection's reduction: element-wise loss, summed, divided by the
/// average factor, times the loss weight. SmoothL1(x; β) = 0.5·x²/β if |x| &lt; β, else |x| − 0.5β.
/// The β of SmoothL1 can change between iterations (Dynamic R-CNN's DSL sets <see cref="Beta"/>).
/// </summary>
public sealed class BoxRegressionLoss
{
    /// <summary>Creates the loss from its config.</summary>
    public BoxRegressionLoss(BoxLossConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Kind = config.Type;
        Weight = config.Weight;
        Beta = config.Beta;
    }

    /// <summary>L1 or SmoothL1.</summary>
    public BoxLossKind Kind { get; }

    /// <summary>Multiplier of the loss.</summary>
    public double Weight { get; }

    /// <summary>SmoothL1 β (&gt; 0); ignored by L1.</summary>
    public double Beta
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    }

    /// <summary>
    /// <c>weight · Σ loss(pred − target) / avgFactor</c> over all elements of <paramref name="prediction"/>
    /// and <paramref name="target"/> (same shape).
    /// </summary>
    public Tensor Compute(Tensor prediction, Tensor target, double avgFactor)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        using var scope = Engine.NewDisposeScope();
        var sum = Kind == BoxLossKind.L1
            ? Functional.L1Loss(prediction, target, Reduction.Sum)
            : Functional.SmoothL1Loss(prediction, target, Reduction.Sum, Beta);
        return scope.MoveToOuter(sum * (Weight / avgFactor));
    }

    /// <summary>
    /// <see cref="Compute"/> split by pyramid level: a 1-d tensor of <paramref name="numLevels"/> values, entry
    /// <c>l</c> being <c>weight · Σ loss(pred − target) / avgFactor</c> over the rows whose <paramref name="levelIds"/>
    /// is <c>l</c>, so that the entries sum to <see cref="Compute"/>'s value (up to float rounding). The element-wise
    /// loss is the same; each row's four values are summed, then rows are scatter-added by level on the device.
    /// </summary>
    /// <param name="prediction">Predicted deltas (P, 4).</param>
    /// <param name="target">Target deltas (P, 4).</param>
    /// <param name="avgFactor">The global normaliser (&gt; 0).</param>
    /// <param name="levelIds">int64 level of each row (P), in [0, <paramref name="numLevels"/>).</param>
    /// <param name="numLevels">Number of levels L (≥ 1).</param>
    public Tensor ComputePerLevel(Tensor prediction, Tensor target, double avgFactor, Tensor levelIds, int numLevels)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        using var scope = Engine.NewDisposeScope();
        var elementwise = Kind == BoxLossKind.L1
            ? Functional.L1Loss(prediction, target, Reduction.None)
            : Functional.SmoothL1Loss(prediction, target, Reduction.None, Beta);
        var perRow = elementwise.Reshape(elementwise.Size(0), -1).Sum(1);
        return scope.MoveToOuter(LevelSum.Of(perRow, levelIds, numLevels) * (Weight / avgFactor));
    }

    /// <summary>
    /// <c>weight · Σ loss(pred − target)</c> over each row's values, not normalised: a 1-d tensor of P values, for
    /// heads whose normaliser differs by image (torchvision divides each image's sum by its own positive count).
    /// </summary>
    /// <param name="prediction">Predicted deltas (P, 4).</param>
    /// <param name="target">Target deltas (P, 4).</param>
    public Tensor ComputePerRow(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        using var scope = Engine.NewDisposeScope();
        var elementwise = Kind == BoxLossKind.L1
            ? Functional.L1Loss(prediction, target, Reduction.None)
            : Functional.SmoothL1Loss(prediction, target, Reduction.None, Beta);
        return scope.MoveToOuter(elementwise.Reshape(elementwise.Size(0), -1).Sum(1) * Weight);
    }
}
