namespace DynDet.Config;

/// <summary>
/// The allowed values of a numeric config key, checked by <see cref="ConfigValidator"/> right after a config is
/// loaded. On a list key the range applies to every entry, and <see cref="Entries"/> / <see cref="MinEntries"/>
/// bound the list's length (on a list of lists, <see cref="Entries"/> is the length of each inner list).
/// Every numeric key of every config record carries this attribute or <see cref="ConfigChoiceAttribute"/>
/// (a test enforces it), and its XML doc states the same range.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ConfigRangeAttribute : Attribute
{
    /// <summary>Values at least <paramref name="min"/>, no upper bound.</summary>
    public ConfigRangeAttribute(double min)
        : this(min, double.PositiveInfinity)
    {
    }

    /// <summary>Values in [<paramref name="min"/>, <paramref name="max"/>] (ends made open by the named flags).</summary>
    public ConfigRangeAttribute(double min, double max)
    {
        Min = min;
        Max = max;
    }

    /// <summary>Least allowed value.</summary>
    public double Min { get; }

    /// <summary>Largest allowed value.</summary>
    public double Max { get; }

    /// <summary>Whether <see cref="Min"/> itself is refused (default false).</summary>
    public bool MinExclusive { get; set; }

    /// <summary>Whether <see cref="Max"/> itself is refused (default false).</summary>
    public bool MaxExclusive { get; set; }

    /// <summary>Exact length of the (innermost) list; 0 (default): any length.</summary>
    public int Entries { get; set; }

    /// <summary>Least length of the (outer) list (default 0).</summary>
    public int MinEntries { get; set; }

    /// <summary>The range of each value.</summary>
    public NumericRange Range => new(Min, Max, MinExclusive, MaxExclusive);
}
