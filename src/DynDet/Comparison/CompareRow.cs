namespace DynDet.Comparison;

/// <summary>
/// One row of a comparison: a preset or config file and the overrides that make this row differ, written on the
/// command line as <c>NAME[@KEY=VALUE[@KEY=VALUE…]]</c> (e.g. <c>dynamic_rcnn_r18_cpu@model.dynamic_rcnn.dynamic_iou=false</c>).
/// </summary>
/// <param name="Label">How the row is shown and names its folder: the spec as written unless the row was given a name.</param>
/// <param name="Config">The preset name or config file.</param>
/// <param name="Overrides">The row's own <c>KEY=VALUE</c> overrides, applied after the grid's common ones.</param>
public sealed record CompareRow(string Label, string Config, IReadOnlyList<string> Overrides)
{
    /// <summary>The row as written on the command line: <c>NAME[@KEY=VALUE…]</c>.</summary>
    public string Spec => Overrides.Count == 0 ? Config : $"{Config}@{string.Join('@', Overrides)}";

    /// <summary>Parses <c>NAME[@KEY=VALUE…]</c>; a bad spec gives an <see cref="InputException"/>.</summary>
    /// <param name="spec">The row as written.</param>
    /// <param name="name">How the table shows the row (default: <paramref name="spec"/>); not empty.</param>
    public static CompareRow Parse(string spec, string? name = null)
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

        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            throw new InputException($"compare row '{spec}': its --name is empty");
        }

        return new CompareRow(name ?? spec, parts[0], parts[1..]);
    }
}
