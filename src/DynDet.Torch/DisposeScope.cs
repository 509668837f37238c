namespace DynDet.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost scope, and disposes them when it
/// ends. Scopes are strictly nested (LIFO) and created only with <c>using</c>:
/// <code>
/// using (var scope = Engine.NewDisposeScope())
/// {
///     var y = x.Relu() * 2;            // owned by the scope
///     return scope.MoveToOuter(y);     // survives into the enclosing scope (or no scope)
/// }
/// </code>
/// Parameters, buffers and optimizer state are never owned by a scope: modules and optimizers detach
/// them when they register them.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static DisposeScope? t_current;

    private readonly DisposeScope? _outer;
    private readonly List<Tensor> _owned = new(64);
    private bool _disposed;

    internal DisposeScope()
    {
        _outer = t_current;
        t_current = this;
    }

    /// <summary>The innermost scope of this thread, or null.</summary>
    public static DisposeScope? Current => t_current;

    /// <summary>Number of tensors this scope owns (including ones already disposed explicitly).</summary>
    public int Count => _owned.Count;

    internal static void Register(Tensor tensor)
    {
        DisposeScope? scope = t_current;
        if (scope is not null)
        {
            scope._owned.Add(tensor);
            tensor.Owner = scope;
        }
    }

    /// <summary>
    /// Moves <paramref name="tensor"/> from this scope to the enclosing one (or to no scope, when this is the
    /// outermost), and returns it.
    /// </summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Release(tensor);
        if (_outer is not null)
        {
            _outer._owned.Add(tensor);
            tensor.Owner = _outer;
        }

        return tensor;
    }

    /// <summary>Moves several tensors to the enclosing scope.</summary>
    public void MoveToOuter(params ReadOnlySpan<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            MoveToOuter(t);
        }
    }

    /// <summary>Removes <paramref name="tensor"/> from this scope: the caller now owns it and must dispose it.</summary>
    public Tensor Detach(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Release(tensor);
        return tensor;
    }

    /// <summary>Disposes every tensor the scope still owns and makes the enclosing scope current.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (t_current != this)
        {
            throw new InvalidOperationException(
                "dispose scopes must end in the reverse order of their creation, on the thread that created them");
        }

        _disposed = true;
        t_current = _outer;
        foreach (var t in _owned)
        {
            if (t.Owner == this)
            {
                t.Owner = null;
                t.Dispose();
            }
        }

        _owned.Clear();
    }

    private void Release(Tensor tensor)
    {
        if (tensor.Owner != this)
        {
            throw new InvalidOperationException("the tensor is not owned by this dispose scope");
        }

        tensor.Owner = null;
        // Most moved tensors are the latest created: search from the end.
        int index = _owned.LastIndexOf(tensor);
        if (index >= 0)
        {
            _owned.RemoveAt(index);
        }
    }
}
