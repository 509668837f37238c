namespace DynDet.Torch.Serialization;

/// <summary>
/// An instance of a Python class DynDet does not model (e.g. <c>argparse.Namespace</c> in torchvision's
/// reference checkpoints), kept as the data that rebuilds it: the class or function, its arguments and
/// the state set on it afterwards. Nothing runs when it is read; <see cref="TorchSerializer.Save"/>
/// writes it back the same way.
/// </summary>
public sealed class PyObject
{
    /// <summary>Creates an object record.</summary>
    /// <param name="constructor">The class (or factory function) that builds the object.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="state">The state set on it after construction (Python's <c>__setstate__</c>/<c>__dict__</c>), or null.</param>
    /// <param name="createdWithNew">True when built with <c>cls.__new__(cls, *args)</c> (pickle's NEWOBJ), false when called (REDUCE).</param>
    public PyObject(PyGlobal constructor, PyTuple arguments, object? state = null, bool createdWithNew = false)
    {
        ArgumentNullException.ThrowIfNull(constructor);
        ArgumentNullException.ThrowIfNull(arguments);
        Constructor = constructor;
        Arguments = arguments;
        State = state;
        CreatedWithNew = createdWithNew;
    }

    /// <summary>The class (or factory function) that builds the object.</summary>
    public PyGlobal Constructor { get; }

    /// <summary>The arguments passed to <see cref="Constructor"/>.</summary>
    public PyTuple Arguments { get; }

    /// <summary>The state set after construction (often a <see cref="PyDict"/> of attributes), or null.</summary>
    public object? State { get; set; }

    /// <summary>True when built with <c>cls.__new__(cls, *args)</c> (pickle's NEWOBJ), false when called (REDUCE).</summary>
    public bool CreatedWithNew { get; }

    /// <inheritdoc />
    public override string ToString() => $"<{Constructor.FullName} object>";
}
