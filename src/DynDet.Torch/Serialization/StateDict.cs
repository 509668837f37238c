using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace DynDet.Torch.Serialization;

/// <summary>
/// Tensors by PyTorch's dotted <c>state_dict</c> names (<c>layer1.0.conv1.weight</c>), in insertion order,
/// as <see cref="TorchSerializer.LoadStateDict"/> returns them. It owns its tensors: <see cref="Dispose"/>
/// disposes every one (the tensors also belong to the dispose scope that was current when they were
/// made, like any tensor; disposing twice is harmless). Pass it to <c>Module.LoadStateDict</c>, which
/// copies the values, then dispose it.
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly OrderedDictionary<string, Tensor> _entries = new(StringComparer.Ordinal);

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>The names, in order.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>The tensors, in order.</summary>
    public IEnumerable<Tensor> Values => _entries.Values;

    /// <summary>The tensor named <paramref name="key"/>; setting replaces it in place or appends it (the dict then owns it).</summary>
    public Tensor this[string key]
    {
        get => _entries[key];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _entries[key] = value;
        }
    }

    /// <summary>Appends an entry; the dict then owns <paramref name="tensor"/>.</summary>
    public void Add(string key, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _entries.Add(key, tensor);
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _entries.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every tensor and empties the dict.</summary>
    public void Dispose()
    {
        foreach (var tensor in _entries.Values)
        {
            tensor.Dispose();
        }

        _entries.Clear();
    }
}
