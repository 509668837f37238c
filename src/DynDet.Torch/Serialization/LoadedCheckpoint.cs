namespace DynDet.Torch.Serialization;

/// <summary>
/// What <see cref="TorchSerializer.Load"/> read from a <c>torch.save</c> file: the top-level value
/// (<see cref="Root"/>, usually a <see cref="PyDict"/>) and every tensor in it. It owns the tensors:
/// <see cref="Dispose"/> disposes them all (they also belong to the dispose scope that was current at
/// load time, like any tensor; disposing twice is harmless). Tensors are CPU tensors whatever device
/// they were saved from.
/// </summary>
public sealed class LoadedCheckpoint : IDisposable
{
    private readonly List<Tensor> _tensors;

    internal LoadedCheckpoint(string path, object? root, IReadOnlyList<Tensor> tensors)
    {
        Path = path;
        Root = root;
        _tensors = [.. tensors];
    }

    /// <summary>The file it was read from (as given).</summary>
    public string Path { get; }

    /// <summary>The saved object: see <see cref="TorchSerializer"/> for how Python values map to .NET.</summary>
    public object? Root { get; }

    /// <summary>Every distinct tensor in <see cref="Root"/>, in the order they were first met.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>
    /// The state dict in this checkpoint, as a view whose tensors stay owned by this object: the top level
    /// itself when it maps names to tensors (what <c>torch.save(model.state_dict(), f)</c> writes), else its
    /// <paramref name="key"/> entry, or when <paramref name="key"/> is null its <c>"state_dict"</c> entry
    /// (MMDetection) or <c>"model"</c> entry (torchvision's reference scripts).
    /// Throws <see cref="InputException"/> naming the file when there is none or an entry is not a tensor.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> GetStateDict(string? key = null)
    {
        var (dict, where) = FindStateDict(key);
        var result = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in dict)
        {
            if (name is not string s)
            {
                throw new InputException($"{Path}: {where} has a non-string key {PickleReader.Describe(name)}");
            }

            result[s] = value as Tensor ?? throw new InputException(
                $"{Path}: {where} entry '{s}' is {PickleReader.Describe(value)}, not a tensor");
        }

        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, Tensor>(result);
    }

    /// <summary>Disposes every tensor read from the file.</summary>
    public void Dispose()
    {
        foreach (var tensor in _tensors)
        {
            tensor.Dispose();
        }
    }

    private (PyDict Dict, string Where) FindStateDict(string? key)
    {
        if (Root is not PyDict root)
        {
            string hint = Root is PyObject ? " (a pickled model: save model.state_dict() instead)" : string.Empty;
            throw new InputException($"{Path}: the saved object is {PickleReader.Describe(Root)}, not a state dict{hint}");
        }

        if (key is not null)
        {
            return root.TryGetValue(key, out object? v) && v is PyDict d
                ? (d, $"state dict '{key}'")
                : throw new InputException($"{Path}: no state dict under '{key}' (top-level keys: {KeyList(root)})");
        }

        if (root.Count > 0 && root.Values.All(v => v is Tensor))
        {
            return (root, "state dict");
        }

        foreach (string candidate in (string[])["state_dict", "model"])
        {
            if (root.TryGetValue(candidate, out object? v) && v is PyDict d)
            {
                return (d, $"state dict '{candidate}'");
            }
        }

        if (root.Count == 0)
        {
            return (root, "state dict");
        }

        throw new InputException(
            $"{Path}: no state dict found: the top level holds {KeyList(root)}, not tensors, 'state_dict' or 'model'");
    }

    private static string KeyList(PyDict dict)
    {
        var names = dict.Keys.Take(8).Select(k => k is string s ? "'" + s + "'" : PickleReader.Describe(k)).ToList();
        return dict.Count == 0 ? "nothing" : string.Join(", ", names) + (dict.Count > 8 ? ", …" : string.Empty);
    }
}
