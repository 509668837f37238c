using System.Globalization;

namespace DynDet.Config;

/// <summary>
/// An interval of allowed numbers, with open or closed ends; the one description of a range that config keys
/// (<see cref="ConfigRangeAttribute"/>) and command-line options share, so both say "must be &gt;= 1" alike.
/// </summary>
/// <param name="Min">Least allowed value (<see cref="double.NegativeInfinity"/>: no lower bound).</param>
/// <param name="Max">Largest allowed value (<see cref="double.PositiveInfinity"/>: no upper bound).</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> itself is refused.</param>
/// <param name="MaxExclusive">Whether <paramref name="Max"/> itself is refused.</param>
public readonly record struct NumericRange(double Min, double Max, bool MinExclusive = false, bool MaxExclusive = false)
{
    /// <summary>Whether <paramref name="value"/> is finite and inside the range.</summary>
    public bool Contains(double value) =>
        double.IsFinite(value)
        && (MinExclusive ? value > Min : value >= Min)
        && (MaxExclusive ? value < Max : value <= Max);

    /// <summary>The rule in words: <c>&gt;= 1</c>, <c>&gt; 0</c>, <c>&lt;= 1</c>, <c>in [0, 1]</c> or <c>in (0, 1]</c>.</summary>
    public string Describe()
    {
        bool low = !double.IsNegativeInfinity(Min), high = !double.IsPositiveInfinity(Max);
        return (low, high) switch
        {
            (true, true) => $"in {(MinExclusive ? '(' : '[')}{Format(Min)}, {Format(Max)}{(MaxExclusive ? ')' : ']')}",
            (true, false) => $"{(MinExclusive ? ">" : ">=")} {Format(Min)}",
            (false, true) => $"{(MaxExclusive ? "<" : "<=")} {Format(Max)}",
            _ => "finite",
        };
    }

    /// <summary>The one-line complaint about <paramref name="value"/>: <c>0 is out of range (must be &gt;= 1)</c>.</summary>
    public string Complaint(double value) => $"{Format(value)} is out of range (must be {Describe()})";

    /// <summary>A number as the user would write it (invariant culture, shortest round-trip form).</summary>
    public static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
