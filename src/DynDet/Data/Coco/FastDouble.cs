namespace DynDet.Data.Coco;

/// <summary>
/// Parses the short decimal numbers of result files (<c>0.4811</c>, <c>243.3</c>, <c>-12</c>) without the general
/// parser: digits into an integer mantissa m &lt; 2⁵³ and a power of ten p with |p| ≤ 22, then one IEEE multiply or
/// divide by the exact double 10^|p|, which is correctly rounded (Clinger's fast path), so the result is the same
/// double as any correct parser's. Anything else (more digits, exponents, large powers) returns false and the caller
/// uses the general parser.
/// </summary>
internal static class FastDouble
{
    private const ulong MaxMantissa = 1UL << 53;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    /// <summary>Parses <paramref name="text"/> (a JSON number's bytes) when the fast path applies.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (i < text.Length && text[i] == (byte)'-')
        {
            negative = true;
            i++;
        }

        ulong mantissa = 0;
        int digits = 0;
        int fraction = 0;
        bool seenPoint = false;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (c >= (byte)'0' && c <= (byte)'9')
            {
                if (digits >= 19)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + (ulong)(c - '0');
                if (mantissa != 0)
                {
                    digits++;
                }

                if (seenPoint)
                {
                    fraction++;
                }
            }
            else if (c == (byte)'.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                return false; // an exponent or anything unusual: the general parser
            }
        }

        if (mantissa >= MaxMantissa || fraction > 22)
        {
            return false;
        }

        double m = mantissa;
        value = fraction == 0 ? m : m / PowersOfTen[fraction];
        if (negative)
        {
            value = -value;
        }

        return true;
    }
}
