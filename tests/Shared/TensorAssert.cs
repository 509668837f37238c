using DynDet.Torch;

namespace DynDet.TestSupport;

/// <summary>Numerical comparison of tensors with messages that say where they differ.</summary>
public static class TensorAssert
{
    /// <summary>
    /// Asserts equal shapes and <c>|a − e| ≤ atol + rtol·|e|</c> everywhere for finite values; a non-finite
    /// expected or actual value must match exactly (NaN against NaN, +∞ against +∞, −∞ against −∞).
    /// </summary>
    public static void Close(Tensor expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        string label = what is null ? string.Empty : what + ": ";
        Xunit.Assert.True(expected.Shape.AsSpan().SequenceEqual(actual.Shape),
            $"{label}shape [{string.Join(", ", actual.Shape)}] differs from expected [{string.Join(", ", expected.Shape)}]");
        using var e = expected.To(ScalarType.Float64);
        using var a = actual.To(ScalarType.Float64);
        double[] ev = e.ToArray<double>();
        double[] av = a.ToArray<double>();
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < ev.Length; i++)
        {
            if (!double.IsFinite(av[i]) || !double.IsFinite(ev[i]))
            {
                // Exact: NaN only where NaN is expected, an infinity only where the same infinity is
                // (the tolerance below would be ∞ − ∞ = NaN there, which compares false and passed).
                bool same = double.IsNaN(ev[i]) ? double.IsNaN(av[i]) : av[i] == ev[i];
                if (!same)
                {
                    worst = double.PositiveInfinity;
                    worstAt = i;
                }

                continue;
            }

            double excess = Math.Abs(av[i] - ev[i]) - (atol + rtol * Math.Abs(ev[i]));
            if (excess > worst)
            {
                worst = excess;
                worstAt = i;
            }
        }

        Xunit.Assert.True(worstAt < 0,
            worstAt < 0 ? string.Empty : $"{label}element {worstAt}: expected {ev[worstAt]:G9}, got {av[worstAt]:G9} (atol {atol}, rtol {rtol})");
    }

    /// <summary>The largest absolute difference between two tensors of equal shape.</summary>
    public static double MaxAbsDiff(Tensor expected, Tensor actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        using var d = (expected.To(ScalarType.Float64) - actual.To(ScalarType.Float64)).Abs().Max();
        return d.ToDouble();
    }
}
