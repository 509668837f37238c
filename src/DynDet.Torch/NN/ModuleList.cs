using System.Collections;

namespace DynDet.Torch.NN;

/// <summary>An indexed list of child modules named <c>0</c>, <c>1</c>, ... as in <c>torch.nn.ModuleList</c>.</summary>
/// <typeparam name="T">The module type.</typeparam>
public sealed class ModuleList<T> : Module, IReadOnlyList<T>
    where T : Module
{
    private readonly List<T> _modules = [];

    /// <summary>Creates the list.</summary>
    public ModuleList(params IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <inheritdoc />
    public int Count => _modules.Count;

    /// <inheritdoc />
    public T this[int index] => _modules[index];

    /// <summary>Appends a module, named by its position.</summary>
    public void Add(T module)
    {
        RegisterModule(_modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _modules.Add(module);
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => _modules.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
