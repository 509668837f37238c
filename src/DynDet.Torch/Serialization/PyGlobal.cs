namespace DynDet.Torch.Serialization;

/// <summary>
/// A reference to a Python class or function by module and name, as a pickle's <c>GLOBAL</c> names it
/// (e.g. <c>torch.float32</c> stored in a checkpoint). DynDet never imports or runs it: it is data.
/// </summary>
/// <param name="Module">The module, e.g. <c>argparse</c>.</param>
/// <param name="Name">The (possibly dotted) name inside the module, e.g. <c>Namespace</c>.</param>
public sealed record PyGlobal(string Module, string Name)
{
    /// <summary>The dotted full name, e.g. <c>argparse.Namespace</c>.</summary>
    public string FullName => Module + "." + Name;

    /// <inheritdoc />
    public override string ToString() => FullName;
}
