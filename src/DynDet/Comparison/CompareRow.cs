namespace DynDet.Comparison;

/// <summary>
/// One row of a comparison: a preset or config file and the overrides that make this row differ, written on the
/// command line as <c>NAME[@KEY=VALUE[@KEY=VALUE…]]</c> (e.g. <c>dynamic_rcnn_r18_cpu@model.dynamic_rcnn.enable_dla=false</c>).
/// </summary>
/// <param name="Label">How the row is shown: the spec as written.</param>
/// <param name="Config">The preset name or config file.</param>
/// <param name="Overrides">The row's own <c>KEY=VALUE</c> overrides, applied after the grid's common ones.</param>
public sealed record CompareRow(string Label, string Config, IReadOnlyList<string> Overrides)
{
    /// <summary>Parses <c>NAME[@KEY=VALUE…]</c>; a bad spec gives an <see cref="InputException"/>.</summary>
    public static CompareRow Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split('@');
        if (parts[0].Length == 0)
        {
            throw new InputException($"compare row '{spec}': no config name before '@' (write NAME[@KEY=VALUE…])");
        }

        foreach (var part in parts.Skip(1))
        {
            if (!part.Contains('=', StringComparison.Ordinal) || part.StartsWith('='))
            {
                throw new InputException($"compare row '{spec}': '{part}' is not KEY=VALUE (write NAME[@KEY=VALUE…])");
            }
        }

        return new CompareRow(spec, parts[0], parts[1..]);
    }
}
