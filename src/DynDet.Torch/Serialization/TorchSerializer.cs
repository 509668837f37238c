namespace DynDet.Torch.Serialization;

/// <summary>
/// Reads and writes PyTorch checkpoint files (the zip format of <c>torch.save</c>, torch ≥ 1.6) without
/// Python: pretrained torchvision/MMDetection weights load by name, and DynDet's own checkpoints load in
/// Python with <c>torch.load</c>.
/// </summary>
/// <remarks>
/// <para>Python values map to .NET as follows, both ways:</para>
/// <list type="table">
/// <item><term>None, bool, str</term><description>null, <see cref="bool"/>, <see cref="string"/></description></item>
/// <item><term>int</term><description><see cref="long"/>; <see cref="System.Numerics.BigInteger"/> beyond 64 bits
/// (any .NET integer type saves as int)</description></item>
/// <item><term>float</term><description><see cref="double"/> (<see cref="float"/> and <see cref="Half"/> save as float)</description></item>
/// <item><term>bytes</term><description><see cref="T:byte[]"/></description></item>
/// <item><term>tuple</term><description><see cref="PyTuple"/> (C# tuples such as <c>(1, "a")</c> save as tuples too)</description></item>
/// <item><term>list</term><description><see cref="List{T}"/> of <see cref="object"/> (any other non-dictionary
/// <see cref="System.Collections.IEnumerable"/>, arrays included, saves as a list)</description></item>
/// <item><term>dict, OrderedDict</term><description><see cref="PyDict"/>, with <see cref="PyDict.IsOrderedDict"/>
/// telling which. Saving: any <see cref="System.Collections.IDictionary"/> is a dict, and any sequence of
/// <c>KeyValuePair&lt;string, Tensor&gt;</c> (a state dict, e.g. <see cref="StateDict"/> or
/// <c>Module.StateDict()</c>) an OrderedDict, as <c>torch.save(model.state_dict())</c> writes it</description></item>
/// <item><term>torch.Tensor, nn.Parameter</term><description><see cref="Tensor"/> on the CPU, with the saved dtype,
/// shape, strides and storage offset; tensors that shared a storage in the file are views of one storage
/// again. Parameters load with <see cref="Tensor.RequiresGrad"/> set. Saving writes each distinct tensor
/// object contiguously into its own storage with <c>requires_grad=False</c>, as state dicts hold them</description></item>
/// <item><term>other classes</term><description><see cref="PyObject"/> (instances) or <see cref="PyGlobal"/>
/// (class and function references), kept as inert data and written back unchanged</description></item>
/// </list>
/// <para>Dtypes: float32/64, float16, bfloat16, int64/32/16, int8, uint8, bool. Sparse, quantized and
/// complex tensors, bare storages, legacy (pre-1.6) files and TorchScript archives are refused with an
/// <see cref="InputException"/> whose one-line message names the file and what is wrong.</para>
/// </remarks>
public static class TorchSerializer
{
    /// <summary>
    /// Reads a <c>torch.save</c> file. The result owns every tensor it holds: dispose it (or let the
    /// enclosing dispose scope, which the tensors also join, release them).
    /// </summary>
    /// <exception cref="InputException">The file is missing, not a torch.save checkpoint, or damaged.</exception>
    public static LoadedCheckpoint Load(string path) => CheckpointReader.Read(path);

    /// <summary>
    /// Reads the state dict (name → tensor, in file order) of a checkpoint: a file whose top level is the
    /// state dict (<c>torch.save(model.state_dict(), f)</c>), or a dict holding it under <c>"state_dict"</c>
    /// (MMDetection) or <c>"model"</c> (torchvision's reference scripts). The returned
    /// <see cref="StateDict"/> owns its tensors; the file's other tensors (optimizer state…) are disposed.
    /// </summary>
    /// <exception cref="InputException">The file is unreadable or holds no state dict.</exception>
    public static StateDict LoadStateDict(string path)
    {
        var loaded = Load(path);
        var result = new StateDict();
        try
        {
            foreach (var (name, tensor) in loaded.GetStateDict())
            {
                result.Add(name, tensor);
            }
        }
        catch
        {
            loaded.Dispose();
            throw;
        }

        var kept = new HashSet<Tensor>(result.Values, ReferenceEqualityComparer.Instance);
        foreach (var tensor in loaded.Tensors)
        {
            if (!kept.Contains(tensor))
            {
                tensor.Dispose();
            }
        }

        return result;
    }

    /// <summary>
    /// Writes <paramref name="value"/> (see the remarks for the types it may hold) as <c>torch.save</c> does,
    /// atomically (<see cref="DurableFile"/>): a temporary file in the same folder, flushed to disk, renamed over
    /// <paramref name="path"/>, then the folder fsynced. If anything fails, <paramref name="path"/> keeps its old content.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> holds something a checkpoint cannot.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, object? value) => CheckpointWriter.Write(path, value);

    /// <summary>
    /// Writes a state dict (e.g. <c>Module.StateDict()</c>) as <c>torch.save(model.state_dict(), path)</c>
    /// does: an OrderedDict of names to tensors, atomically (see <see cref="Save"/>).
    /// </summary>
    public static void SaveStateDict(string path, IEnumerable<KeyValuePair<string, Tensor>> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var dict = new PyDict { IsOrderedDict = true };
        foreach (var (name, tensor) in stateDict)
        {
            dict.Add(name, tensor);
        }

        CheckpointWriter.Write(path, dict);
    }
}
