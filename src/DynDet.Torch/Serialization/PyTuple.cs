using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace DynDet.Torch.Serialization;

/// <summary>
/// An immutable Python tuple of checkpoint values (see <see cref="TorchSerializer"/> for the value
/// types). Equal to another tuple with equal items, so it can be a <see cref="PyDict"/> key.
/// </summary>
/// <remarks>
/// A pickle can share one tuple many times (each tuple holding the previous one twice makes 2^n leaves
/// from n tuples), so nothing here walks the expanded tree: the hash is computed once, from the items'
/// hashes (a nested tuple's is already cached); equality compares each pair of distinct tuples once and
/// uses no recursion; <see cref="ToString"/> stops after <see cref="MaxToStringLength"/> characters.
/// </remarks>
public sealed class PyTuple : IReadOnlyList<object?>, IEquatable<PyTuple>
{
    /// <summary>The longest text <see cref="ToString"/> returns (longer tuples end with "…"): 1000 characters.</summary>
    public const int MaxToStringLength = 1000;

    private readonly object?[] _items;
    private readonly int _hash;
    private readonly long _expandedSize;

    /// <summary>Creates a tuple holding <paramref name="items"/> (copied).</summary>
    public PyTuple(params ReadOnlySpan<object?> items)
        : this(items.ToArray())
    {
    }

    private PyTuple(object?[] items)
    {
        _items = items;
        _hash = HashOf(items);
        long size = items.Length;
        foreach (object? item in items)
        {
            if (item is PyTuple inner)
            {
                size = Math.Min(size + inner._expandedSize, long.MaxValue / 2);
            }
        }

        _expandedSize = size;
    }

    /// <summary>The empty tuple.</summary>
    public static PyTuple Empty { get; } = new(Array.Empty<object?>());

    /// <summary>Number of items.</summary>
    public int Count => _items.Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    public object? this[int index] => _items[index];

    /// <summary>
    /// The number of items counting nested tuples' items, as often as they occur (saturating near
    /// <see cref="long.MaxValue"/>): what a naive walk of the tuple would visit.
    /// </summary>
    internal long ExpandedSize => _expandedSize;

    /// <summary>Wraps an array the caller gives up (no copy).</summary>
    internal static PyTuple Own(object?[] items) => items.Length == 0 ? Empty : new(items);

    /// <summary>
    /// Replaces an item while a file is being read: a pending tensor by its tensor, or a value by itself
    /// (tensors are built after unpickling). Neither changes the hash, which counts tensors by position only.
    /// </summary>
    internal void Replace(int index, object? value) => _items[index] = value;

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(PyTuple? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        // Depth-first over pairs of distinct tuples, each pair compared once: linear in the tuples
        // reachable from both, however often they are shared.
        var pending = new Stack<(PyTuple A, PyTuple B)>();
        HashSet<(PyTuple, PyTuple)>? seen = null;
        pending.Push((this, other));
        while (pending.Count > 0)
        {
            var (a, b) = pending.Pop();
            if (a._hash != b._hash || a._items.Length != b._items.Length)
            {
                return false;
            }

            for (int k = 0; k < a._items.Length; k++)
            {
                object? x = a._items[k];
                object? y = b._items[k];
                if (x is PyTuple tx && y is PyTuple ty)
                {
                    if (!ReferenceEquals(tx, ty) && (seen ??= new(PairComparer.Instance)).Add((tx, ty)))
                    {
                        pending.Push((tx, ty));
                    }
                }
                else if (!Equals(x, y))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PyTuple other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>Python's repr of the tuple, e.g. <c>(1, 'a', None)</c>, cut at <see cref="MaxToStringLength"/> characters.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var open = new Stack<(PyTuple Tuple, int Next)>();
        open.Push((this, 0));
        sb.Append('(');
        while (open.Count > 0)
        {
            if (sb.Length > MaxToStringLength)
            {
                return sb.ToString(0, MaxToStringLength) + "…";
            }

            var (tuple, next) = open.Pop();
            if (next == tuple._items.Length)
            {
                sb.Append(tuple._items.Length == 1 ? ",)" : ")");
                continue;
            }

            if (next > 0)
            {
                sb.Append(", ");
            }

            open.Push((tuple, next + 1));
            switch (tuple._items[next])
            {
                case PyTuple inner:
                    sb.Append('(');
                    open.Push((inner, 0));
                    break;
                case null:
                    sb.Append("None");
                    break;
                case string s:
                    sb.Append('\'').Append(s.Length > MaxToStringLength ? s[..MaxToStringLength] : s).Append('\'');
                    break;
                case bool b:
                    sb.Append(b ? "True" : "False");
                    break;
                case var item:
                    sb.Append(Convert.ToString(item, CultureInfo.InvariantCulture));
                    break;
            }
        }

        return sb.Length > MaxToStringLength ? sb.ToString(0, MaxToStringLength) + "…" : sb.ToString();
    }

    private static int HashOf(object?[] items)
    {
        var hash = default(HashCode);
        hash.Add(items.Length);
        foreach (object? item in items)
        {
            // Tensors compare by identity; leaving them out keeps the hash valid when the reader
            // swaps a pending tensor for the tensor it builds.
            hash.Add(item is Tensor or PendingTensor ? 0 : item?.GetHashCode() ?? 0);
        }

        return hash.ToHashCode();
    }

    /// <summary>Compares pairs of tuples by identity, for the pairs already queued by <c>Equals</c>.</summary>
    private sealed class PairComparer : IEqualityComparer<(PyTuple, PyTuple)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((PyTuple, PyTuple) x, (PyTuple, PyTuple) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((PyTuple, PyTuple) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
