namespace DynDet.Torch.NN;

/// <summary>
/// A network component with explicitly registered parameters, buffers and child modules, named as in
/// PyTorch's <c>state_dict</c> (<c>layer1.0.conv1.weight</c>), so torchvision and MMDetection weights load by
/// name. Parameters and buffers belong to the module, never to a dispose scope; <see cref="Dispose()"/>
/// releases them. Subclasses register in their constructor, in PyTorch's order (own parameters and buffers,
/// then children), which is the order of <see cref="StateDict"/>.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> _parameters = [];
    private readonly List<BufferEntry> _buffers = [];
    private readonly List<KeyValuePair<string, Module>> _children = [];
    private bool _disposed;

    /// <summary>True in training mode (the default), false in evaluation mode.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _children.Add(new(name, module));
        return module;
    }

    /// <summary>
    /// Registers <paramref name="tensor"/> as a parameter under <paramref name="name"/>: it leaves any dispose
    /// scope, is made a leaf that requires grad (unless <paramref name="requiresGrad"/> is false) and is
    /// returned.
    /// </summary>
    protected Tensor RegisterParameter(string name, Tensor tensor, bool requiresGrad = true)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckName(name);
        tensor.DetachFromDisposeScope();
        tensor.RequiresGrad = requiresGrad;
        _parameters.Add(new(name, tensor));
        return tensor;
    }

    /// <summary>
    /// Registers a buffer (state that is not trained, e.g. running statistics). Persistent buffers are part of
    /// <see cref="StateDict"/>.
    /// </summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor, bool persistent = true)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckName(name);
        tensor.DetachFromDisposeScope();
        _buffers.Add(new BufferEntry(name, tensor, persistent));
        return tensor;
    }

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => _children;

    /// <summary>This module (name "") and every descendant, depth first, with dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedModules(string prefix = "")
    {
        yield return new(prefix, this);
        foreach (var (name, child) in _children)
        {
            foreach (var entry in child.NamedModules(Join(prefix, name)))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Every parameter with its dotted name, own first, then children's.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters)
        {
            yield return new(Join(prefix, name), p);
        }

        foreach (var (name, child) in _children)
        {
            foreach (var entry in child.NamedParameters(Join(prefix, name)))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Every parameter.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>Parameters that require grad (the ones an optimizer should update).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedTrainableParameters() =>
        NamedParameters().Where(p => p.Value.RequiresGrad);

    /// <summary>Every buffer with its dotted name, own first, then children's.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers(string prefix = "", bool persistentOnly = false)
    {
        foreach (var b in _buffers)
        {
            if (!persistentOnly || b.Persistent)
            {
                yield return new(Join(prefix, b.Name), b.Tensor);
            }
        }

        foreach (var (name, child) in _children)
        {
            foreach (var entry in child.NamedBuffers(Join(prefix, name), persistentOnly))
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// The parameters and persistent buffers by dotted name, in PyTorch's order. The tensors are the module's
    /// own (not copies): do not dispose them.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict()
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        CollectState(string.Empty, entries);
        return entries;
    }

    private void CollectState(string prefix, List<KeyValuePair<string, Tensor>> entries)
    {
        foreach (var (name, p) in _parameters)
        {
            entries.Add(new(Join(prefix, name), p));
        }

        foreach (var b in _buffers)
        {
            if (b.Persistent)
            {
                entries.Add(new(Join(prefix, b.Name), b.Tensor));
            }
        }

        foreach (var (name, child) in _children)
        {
            child.CollectState(Join(prefix, name), entries);
        }
    }

    /// <summary>
    /// Copies tensors from <paramref name="state"/> into the parameters and buffers of the same names,
    /// keeping their identity (optimizers built earlier stay valid). Keys a module chooses to ignore (see
    /// <see cref="IgnoredStateKeys"/>, e.g. <c>num_batches_tracked</c> of frozen batch norm) are skipped.
    /// With <paramref name="strict"/> (the default), any missing key, unexpected key or shape mismatch raises
    /// an <see cref="InputException"/> naming them; otherwise they are returned for the caller to report.
    /// </summary>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true,
        string source = "state dict")
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        var ownNames = new HashSet<string>(own.Select(e => e.Key), StringComparer.Ordinal);
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, module) in NamedModules())
        {
            foreach (string key in module.IgnoredStateKeys())
            {
                ignored.Add(Join(name, key));
            }
        }

        var missing = new List<string>();
        var mismatched = new List<string>();
        using (Engine.NoGrad())
        {
            foreach (var (name, tensor) in own)
            {
                if (!state.TryGetValue(name, out Tensor? value))
                {
                    missing.Add(name);
                    continue;
                }

                long[] expected = tensor.Shape;
                long[] actual = value.Shape;
                if (!expected.AsSpan().SequenceEqual(actual))
                {
                    mismatched.Add($"{name} (model [{string.Join(", ", expected)}], {source} [{string.Join(", ", actual)}])");
                    continue;
                }

                tensor.Copy_(value);
            }
        }

        var unexpected = state.Keys.Where(k => !ownNames.Contains(k) && !ignored.Contains(k)).ToList();
        var result = new StateDictLoadResult(missing, unexpected, mismatched);
        if (strict && !result.IsExact)
        {
            throw new InputException($"{source}: {result.Describe()}");
        }

        return result;
    }

    /// <summary>
    /// Keys (relative to this module) that <see cref="LoadStateDict"/> accepts and ignores, as PyTorch modules
    /// do in <c>_load_from_state_dict</c>. None by default.
    /// </summary>
    protected virtual IEnumerable<string> IgnoredStateKeys() => [];

    /// <summary>Sets training mode on this module and its descendants; returns this.</summary>
    public virtual Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in _children)
        {
            child.Train(training);
        }

        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>Sets <see cref="Tensor.RequiresGrad"/> on every parameter (false freezes the module); returns this.</summary>
    public Module RequiresGrad(bool requiresGrad)
    {
        foreach (var p in Parameters())
        {
            p.RequiresGrad = requiresGrad;
        }

        return this;
    }

    /// <summary>Clears the gradients of every parameter (PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad() => Gradients.Clear(Parameters().ToArray());

    /// <summary>
    /// Moves every parameter and buffer to <paramref name="device"/> (and floating ones to
    /// <paramref name="dtype"/> when given), keeping their identity; returns this.
    /// </summary>
    public Module To(Device device, ScalarType? dtype = null)
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        foreach (var (_, t) in NamedParameters().Concat(NamedBuffers()))
        {
            ScalarType target = dtype is not null && t.Dtype.IsFloatingPoint() ? dtype.Value : t.Dtype;
            if (t.Device != device || t.Dtype != target)
            {
                t.SetData(t.To(device, target));
            }
        }

        return this;
    }

    /// <summary>Total number of elements over all parameters.</summary>
    public long ParameterCount() => Parameters().Sum(p => p.NumElements);

    /// <summary>Releases every parameter and buffer of this module and its descendants.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases native state; subclasses holding more than registered tensors override it.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        foreach (var (_, p) in _parameters)
        {
            p.Dispose();
        }

        foreach (var b in _buffers)
        {
            b.Tensor.Dispose();
        }

        foreach (var (_, child) in _children)
        {
            child.Dispose();
        }
    }

    private void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}': names may not contain '.'", nameof(name));
        }

        if (_parameters.Any(p => p.Key == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Key == name))
        {
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}", nameof(name));
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    private sealed record BufferEntry(string Name, Tensor Tensor, bool Persistent);
}
