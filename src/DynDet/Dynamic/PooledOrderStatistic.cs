using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// The min(k, n)-th smallest of the n values pooled over every process of a data-parallel run — what one process
/// holding the whole batch computes for DSL's β statistic — without a host read: each process contributes its k
/// smallest values padded with +∞ to k (so that every contribution has the same shape), the contributions are
/// gathered, and the statistic is taken from the n finite pooled values. Exact, because the global k smallest are
/// among the union of every process's k smallest. NaN when no process had a value (the iteration contributes nothing).
/// </summary>
public static class PooledOrderStatistic
{
    /// <summary>The min(<paramref name="k"/>, n)-th smallest of every process's <paramref name="localValues"/> (1-d), a 0-d float64 tensor.</summary>
    public static Tensor KthSmallest(Tensor localValues, long k, IStatisticReducer reducer)
    {
        ArgumentNullException.ThrowIfNull(localValues);
        ArgumentNullException.ThrowIfNull(reducer);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var device = localValues.Device;
        var values = localValues.Detach().To(ScalarType.Float64).Reshape(-1);
        long keep = Math.Min(values.Size(0), k);
        var parts = new List<Tensor>(2);
        if (keep > 0)
        {
            parts.Add(values.TopK(keep, largest: false).Values);
        }

        if (keep < k)
        {
            parts.Add(Tensor.Full([k - keep], double.PositiveInfinity, ScalarType.Float64, device));
        }

        var pooled = reducer.Gather(Tensor.Cat([.. parts])).Sort().Values;
        var count = pooled.IsFinite().Sum();
        var index = count.ClampMax(k).Sub(1).ClampMin(0).To(ScalarType.Int64).Reshape(1);
        var value = pooled.Gather(0, index).Reshape([]);
        return scope.MoveToOuter(Tensor.Where(count > 0, value, double.NaN));
    }
}
