namespace DynDet.Torch.NN;

/// <summary>
/// Modules applied in order, named <c>0</c>, <c>1</c>, ... as in <c>torch.nn.Sequential</c>. Intermediate results
/// are released as soon as the next module has consumed them.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _modules = [];

    /// <summary>Creates the sequence.</summary>
    public Sequential(params IEnumerable<Module<Tensor, Tensor>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <summary>Number of modules.</summary>
    public int Count => _modules.Count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public Module<Tensor, Tensor> this[int index] => _modules[index];

    /// <summary>Appends a module, named by its position.</summary>
    public void Add(Module<Tensor, Tensor> module)
    {
        RegisterModule(_modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _modules.Add(module);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor x = input;
        foreach (var m in _modules)
        {
            Tensor next = m.Forward(x);
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }

            x = next;
        }

        return ReferenceEquals(x, input) ? input.Alias() : x;
    }
}
