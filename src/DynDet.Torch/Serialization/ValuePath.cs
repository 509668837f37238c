using System.Globalization;
using System.Text;

namespace DynDet.Torch.Serialization;

/// <summary>
/// Where a value sits in a checkpoint, for messages: a top-level state-dict key prints quoted
/// (<c>'layer1.0.conv1.weight'</c>), deeper places as Python subscripts (<c>['optimizer']['state'][0]</c>).
/// </summary>
internal sealed class ValuePath
{
    private readonly ValuePath? _parent;
    private readonly object? _key;

    private ValuePath(ValuePath? parent, object? key)
    {
        _parent = parent;
        _key = key;
    }

    /// <summary>The file's top-level value.</summary>
    public static ValuePath Root { get; } = new(null, null);

    /// <summary>The value under <paramref name="key"/> (a dict key or a list/tuple index) of this one.</summary>
    public ValuePath Child(object? key) => new(this, key);

    /// <inheritdoc />
    public override string ToString()
    {
        var keys = new List<object?>();
        for (var p = this; p._parent is not null; p = p._parent)
        {
            keys.Add(p._key);
        }

        if (keys.Count == 0)
        {
            return "<top level>";
        }

        if (keys.Count == 1 && keys[0] is string only)
        {
            return "'" + only + "'";
        }

        var sb = new StringBuilder();
        for (int k = keys.Count - 1; k >= 0; k--)
        {
            sb.Append('[').Append(keys[k] switch
            {
                string s => "'" + s + "'",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => other?.ToString() ?? "None",
            }).Append(']');
        }

        return sb.ToString();
    }
}
