namespace DynDet.Torch.Serialization;

/// <summary>
/// A Python <c>dict</c> or <c>collections.OrderedDict</c> of checkpoint values, in insertion order. Keys
/// are <see cref="string"/>, <see cref="long"/> (Python ints: look up <c>dict[0L]</c>, not <c>dict[0]</c>),
/// <see cref="double"/>, <see cref="bool"/> or <see cref="PyTuple"/>; values are any checkpoint value
/// (see <see cref="TorchSerializer"/>).
/// </summary>
public sealed class PyDict : OrderedDictionary<object, object?>
{
    /// <summary>Creates an empty plain <c>dict</c>.</summary>
    public PyDict()
    {
    }

    /// <summary>
    /// True for a <c>collections.OrderedDict</c> (what <c>Module.state_dict()</c> returns), false for a
    /// plain <c>dict</c>. Both keep insertion order; the flag only decides what <see cref="TorchSerializer.Save"/> writes.
    /// </summary>
    public bool IsOrderedDict { get; set; }

    /// <summary>
    /// Attributes set on the dict object itself, or null: PyTorch's state dicts carry <c>_metadata</c>
    /// here (a <see cref="PyDict"/> <c>{"_metadata": {module prefix: {"version": n}}}</c>).
    /// </summary>
    public object? State { get; set; }
}
