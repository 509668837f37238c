using System.Collections;
using System.Globalization;

namespace DynDet.Torch.Serialization;

/// <summary>
/// An immutable Python tuple of checkpoint values (see <see cref="TorchSerializer"/> for the value
/// types). Equal to another tuple with equal items, so it can be a <see cref="PyDict"/> key.
/// </summary>
public sealed class PyTuple : IReadOnlyList<object?>, IEquatable<PyTuple>
{
    private readonly object?[] _items;

    /// <summary>Creates a tuple holding <paramref name="items"/> (copied).</summary>
    public PyTuple(params ReadOnlySpan<object?> items)
    {
        _items = items.ToArray();
    }

    private PyTuple(object?[] items)
    {
        _items = items;
    }

    /// <summary>The empty tuple.</summary>
    public static PyTuple Empty { get; } = new(Array.Empty<object?>());

    /// <summary>Number of items.</summary>
    public int Count => _items.Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    public object? this[int index] => _items[index];

    /// <summary>Wraps an array the caller gives up (no copy).</summary>
    internal static PyTuple Own(object?[] items) => items.Length == 0 ? Empty : new(items);

    /// <summary>Replaces an item while a file is being read (tensors are built after unpickling).</summary>
    internal void Replace(int index, object? value) => _items[index] = value;

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(PyTuple? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        for (int k = 0; k < _items.Length; k++)
        {
            if (!Equals(_items[k], other._items[k]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PyTuple other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (object? item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        "(" + string.Join(", ", _items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture) ?? "None")) +
        (_items.Length == 1 ? ",)" : ")");
}
