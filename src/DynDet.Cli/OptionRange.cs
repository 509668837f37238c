using System.CommandLine;
using System.Globalization;
using DynDet.Config;

namespace DynDet.Cli;

/// <summary>
/// Ranges of numeric command-line options, checked while parsing: a value outside is a usage error (one
/// <c>error:</c> line naming the option, exit 2) before the command does anything, worded as config ranges are
/// (<c>--max-iters -1 is out of range (must be &gt;= 1)</c>).
/// </summary>
public static class OptionRange
{
    /// <summary>Refuses values of <paramref name="option"/> outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<T> Within<T>(this Option<T> option, double min, double max = double.PositiveInfinity) =>
        option.Within(new NumericRange(min, max));

    /// <summary>Refuses values of <paramref name="option"/> outside <paramref name="range"/>; returns the option.</summary>
    public static Option<T> Within<T>(this Option<T> option, NumericRange range)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                // A token that does not convert (e.g. "abc") gets System.CommandLine's own parse error.
                return;
            }

            if (value is not null)
            {
                double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!range.Contains(number))
                {
                    result.AddError($"{option.Name} {range.Complaint(number)}");
                }
            }
        });
        return option;
    }
}
