namespace DynDet.Evaluation;

/// <summary>
/// Sums and means of doubles in the order numpy adds them (<c>np.add.reduce</c> on a contiguous array: blocks of
/// 8192, each by pairwise summation with 8 accumulators), so that averages of many terms agree with numpy to the bit
/// rather than to 1e-15.
/// </summary>
internal static class NumpySum
{
    private const int BufferSize = 8192;
    private const int PairwiseBlock = 128;

    /// <summary>The sum of <paramref name="values"/> as numpy computes it.</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        double total = 0;
        for (int start = 0; start < values.Length; start += BufferSize)
        {
            total += Pairwise(values.Slice(start, Math.Min(BufferSize, values.Length - start)));
        }

        return total;
    }

    /// <summary>The mean as <c>np.mean</c> computes it; NaN for no values.</summary>
    public static double Mean(ReadOnlySpan<double> values) => Sum(values) / values.Length;

    private static double Pairwise(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += a[i];
            }

            return sum;
        }

        if (n <= PairwiseBlock)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                r0 += a[i];
                r1 += a[i + 1];
                r2 += a[i + 2];
                r3 += a[i + 3];
                r4 += a[i + 4];
                r5 += a[i + 5];
                r6 += a[i + 6];
                r7 += a[i + 7];
            }

            double sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                sum += a[i];
            }

            return sum;
        }

        int half = n / 2;
        half -= half % 8;
        return Pairwise(a[..half]) + Pairwise(a[half..]);
    }
}
