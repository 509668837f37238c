using DynDet.Torch;

namespace DynDet.Losses;

/// <summary>
/// Sums per-element losses by pyramid level in one scatter-add, on the device: no host read and no loop over
/// levels, so a head can report its loss terms per level at the cost of one <c>index_add</c> per term (accumulated
/// in float64, returned in the values' dtype).
/// </summary>
public static class LevelSum
{
    /// <summary>
    /// A 1-d tensor of <paramref name="numLevels"/> values (dtype and device of <paramref name="values"/>), entry
    /// <c>l</c> the sum of the <paramref name="values"/> whose <paramref name="levelIds"/> is <c>l</c> (0 where none);
    /// in the graph of <paramref name="values"/>. A new tensor owned by the caller's dispose scope.
    /// </summary>
    /// <param name="values">Per-element losses (E), one per element of <paramref name="levelIds"/>.</param>
    /// <param name="levelIds">int64 level of each element (E), each in [0, <paramref name="numLevels"/>).</param>
    /// <param name="numLevels">Number of levels L (≥ 1).</param>
    public static Tensor Of(Tensor values, Tensor levelIds, int numLevels)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(levelIds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numLevels);
        using var scope = Engine.NewDisposeScope();
        // index_add accumulates one element after another: in float32 a level of a thousand anchors drifts by
        // ~1e-5 relative. Accumulating in float64 and rounding once keeps each level within an ulp of its exact
        // sum, and leaves the gradients bit-identical (the casts' backward passes are exact).
        var zeros = Tensor.Zeros([numLevels], ScalarType.Float64, values.Device);
        return scope.MoveToOuter(zeros.IndexAdd(0, levelIds, values.To(ScalarType.Float64)).To(values.Dtype));
    }
}
