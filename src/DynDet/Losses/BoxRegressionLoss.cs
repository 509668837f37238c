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
}
