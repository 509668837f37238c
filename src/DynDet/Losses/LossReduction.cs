using DynDet.Torch;

namespace DynDet.Losses;

/// <summary>
/// MMDetection's <c>weight_reduce_loss</c> for per-element losses: the element-wise loss times an optional weight,
/// then summed and divided by an average factor (or averaged when there is none), and the same split by pyramid
/// level. The average factor may be a 0-d tensor (e.g. the number of positives counted on the device): it stays
/// there, so no method here reads the device. Every result is a new tensor owned by the caller's dispose scope, in
/// the graph of the loss (and of the weight and average factor, when those require grad).
/// </summary>
public static class LossReduction
{
    /// <summary>
    /// <c>loss · weight</c> with MMDetection's broadcasting: a weight of the loss's shape multiplies element by
    /// element; a 1-d weight of one value per row multiplies every column of its row (label weights against the
    /// (N, C) focal loss); any other weight with as many elements as the loss is reshaped to it. No weight returns
    /// the loss itself (an alias owned by the caller's scope).
    /// </summary>
    /// <param name="loss">Element-wise loss, any shape.</param>
    /// <param name="weight">Element-wise weight, or null for none.</param>
    public static Tensor ApplyWeight(Tensor loss, Tensor? weight)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (weight is null)
        {
            return loss.Alias();
        }

        long[] lossShape = loss.Shape;
        long[] weightShape = weight.Shape;
        if (lossShape.AsSpan().SequenceEqual(weightShape))
        {
            return loss * weight;
        }

        using var scope = Engine.NewDisposeScope();
        Tensor shaped;
        if (lossShape.Length == 2 && weightShape.Length == 1 && weightShape[0] == lossShape[0])
        {
            shaped = weight.Unsqueeze(1);
        }
        else if (weight.NumElements == loss.NumElements)
        {
            shaped = weight.Reshape(lossShape);
        }
        else
        {
            throw new ArgumentException(
                $"weight [{string.Join(", ", weightShape)}] fits neither the loss [{string.Join(", ", lossShape)}] nor its rows",
                nameof(weight));
        }

        return scope.MoveToOuter(loss * shaped);
    }

    /// <summary>
    /// <c>Σ (loss · weight) / avgFactor</c> as a 0-d tensor of the loss's dtype (MMDetection's
    /// <c>weight_reduce_loss(loss, weight, 'mean', avg_factor)</c>), or the mean of <c>loss · weight</c> when
    /// <paramref name="avgFactor"/> is null (<c>avg_factor=None</c>). The factor is not clamped: a head that may
    /// have no positives passes <c>max(count, 1)</c> as MMDetection's heads do. MMDetection from 2.2x on divides by
    /// <c>avg_factor + 1.19e-7</c> (float32 eps) instead; with factors ≥ 1 that is below float32 rounding, and SPEC's
    /// convention (plain division) is kept.
    /// </summary>
    /// <param name="loss">Element-wise loss, any shape.</param>
    /// <param name="weight">Element-wise weight (see <see cref="ApplyWeight"/>), or null.</param>
    /// <param name="avgFactor">A one-element tensor (&gt; 0; any dtype and device; read on the device), or null for the mean.</param>
    public static Tensor WeightReduce(Tensor loss, Tensor? weight = null, Tensor? avgFactor = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        using var scope = Engine.NewDisposeScope();
        var weighted = ApplyWeight(loss, weight);
        return scope.MoveToOuter(avgFactor is null ? weighted.Mean() : weighted.Sum() / Factor(avgFactor, loss));
    }

    /// <summary><c>Σ (loss · weight) / avgFactor</c> with a host number as the factor (&gt; 0), a 0-d tensor.</summary>
    /// <param name="loss">Element-wise loss, any shape.</param>
    /// <param name="weight">Element-wise weight (see <see cref="ApplyWeight"/>), or null.</param>
    /// <param name="avgFactor">The normaliser (&gt; 0).</param>
    public static Tensor WeightReduce(Tensor loss, Tensor? weight, double avgFactor)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(avgFactor);
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(ApplyWeight(loss, weight).Sum() / avgFactor);
    }

    /// <summary>
    /// <see cref="WeightReduce(Tensor, Tensor?, Tensor?)"/> split by pyramid level: a 1-d tensor of
    /// <paramref name="numLevels"/> values, entry <c>l</c> being <c>Σ (loss · weight) / avgFactor</c> over the rows
    /// whose <paramref name="levelIds"/> is <c>l</c>, so the entries sum to the reduced loss (up to float rounding).
    /// Each row's elements (all dimensions after the first) are summed first, then rows are scatter-added by level
    /// (<see cref="LevelSum"/>, float64 accumulation).
    /// </summary>
    /// <param name="loss">Element-wise loss (P, ...) with one row per prior.</param>
    /// <param name="weight">Element-wise weight (see <see cref="ApplyWeight"/>), or null.</param>
    /// <param name="avgFactor">A one-element tensor (&gt; 0), the head's global normaliser.</param>
    /// <param name="levelIds">int64 level of each row (P), in [0, <paramref name="numLevels"/>).</param>
    /// <param name="numLevels">Number of levels L (≥ 1).</param>
    public static Tensor PerLevel(Tensor loss, Tensor? weight, Tensor avgFactor, Tensor levelIds, int numLevels)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(avgFactor);
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(LevelSum.Of(RowSums(ApplyWeight(loss, weight)), levelIds, numLevels) / Factor(avgFactor, loss));
    }

    /// <summary><see cref="PerLevel(Tensor, Tensor?, Tensor, Tensor, int)"/> with a host number as the factor (&gt; 0).</summary>
    /// <param name="loss">Element-wise loss (P, ...) with one row per prior.</param>
    /// <param name="weight">Element-wise weight (see <see cref="ApplyWeight"/>), or null.</param>
    /// <param name="avgFactor">The head's global normaliser (&gt; 0).</param>
    /// <param name="levelIds">int64 level of each row (P), in [0, <paramref name="numLevels"/>).</param>
    /// <param name="numLevels">Number of levels L (≥ 1).</param>
    public static Tensor PerLevel(Tensor loss, Tensor? weight, double avgFactor, Tensor levelIds, int numLevels)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(avgFactor);
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(LevelSum.Of(RowSums(ApplyWeight(loss, weight)), levelIds, numLevels) / avgFactor);
    }

    private static Tensor RowSums(Tensor loss) => loss.Dim <= 1 ? loss.Alias() : loss.Reshape(loss.Size(0), -1).Sum(1);

    // The factor as a 0-d tensor of the loss's dtype: a float64 or int64 count must not promote a float32 loss
    // (0-d by 0-d division promotes), and a one-element 1-d factor must not turn the 0-d result into shape [1].
    private static Tensor Factor(Tensor avgFactor, Tensor loss)
    {
        if (avgFactor.NumElements != 1)
        {
            throw new ArgumentException(
                $"the average factor must hold one value, got shape [{string.Join(", ", avgFactor.Shape)}]", nameof(avgFactor));
        }

        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(avgFactor.Reshape([]).To(loss.Dtype));
    }
}
