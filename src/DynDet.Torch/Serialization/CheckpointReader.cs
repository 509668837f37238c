using System.IO.Compression;
using DynDet.Torch.Native;

namespace DynDet.Torch.Serialization;

/// <summary>
/// Reads a <c>torch.save</c> file: a zip holding <c>&lt;archive&gt;/data.pkl</c> (the pickled object) and
/// <c>&lt;archive&gt;/data/&lt;key&gt;</c> (raw little-endian storages). Each storage becomes one CPU tensor
/// and every saved tensor a strided view of it, so tensors that shared a storage still do.
/// </summary>
/// <remarks>
/// Nothing is allocated from a size the file claims before it is checked against the file's real size:
/// an entry's stored bytes must lie inside the file, and its unpacked size may exceed them at most
/// <see cref="MaxExpansion"/> times (torch.save stores entries uncompressed, so a real checkpoint's are equal).
/// </remarks>
internal static class CheckpointReader
{
    /// <summary>How many times its stored size an entry may unpack to: 64 (deflate packs real pickles and weights far less).</summary>
    public const long MaxExpansion = 64;

    private const long MaxPickleBytes = int.MaxValue - 1024;

    public static LoadedCheckpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{path}: no such file", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputException($"{path}: cannot be read ({e.Message})", e);
        }

        using (stream)
        {
            CheckMagic(stream, path);
            ZipArchive zip;
            try
            {
                zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException e)
            {
                throw new InputException($"{path}: not a valid zip archive (truncated or corrupt?): {OneLine(e.Message)}", e);
            }

            using (zip)
            {
                string prefix = FindArchivePrefix(zip, path);
                CheckByteOrder(zip, prefix, path, stream.Length);
                var pickleEntry = zip.GetEntry(prefix + "data.pkl")!;
                byte[] pickle = ReadPickle(pickleEntry, path, stream.Length);
                object? root = new PickleReader(pickle, path, pickleEntry.CompressedLength).Read();
                var materializer = new Materializer(zip, prefix, path, stream.Length);
                root = materializer.Run(root);
                return new LoadedCheckpoint(path, root, materializer.Tensors);
            }
        }
    }

    private static void CheckMagic(FileStream stream, string path)
    {
        Span<byte> head = stackalloc byte[4];
        int read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K')
        {
            return;
        }

        if (read >= 1 && head[0] == PickleOpcodes.Proto)
        {
            throw new InputException(
                $"{path}: a legacy (pre-1.6, non-zip) torch.save file; re-save it with a newer torch.save, " +
                "e.g. torch.save(torch.load('old.pth'), 'new.pth') with torch >= 1.6");
        }

        throw new InputException(read == 0
            ? $"{path}: the file is empty, not a torch.save checkpoint"
            : $"{path}: not a torch.save checkpoint (not a zip archive)");
    }

    private static string FindArchivePrefix(ZipArchive zip, string path)
    {
        string? prefix = null;
        foreach (var entry in zip.Entries)
        {
            string name = entry.FullName;
            if (name == "data.pkl")
            {
                prefix = string.Empty;
                break;
            }

            if (name.EndsWith("/data.pkl", StringComparison.Ordinal) && name.IndexOf('/', StringComparison.Ordinal) == name.Length - 9)
            {
                prefix = name[..^8];
                break;
            }
        }

        if (prefix is null)
        {
            throw new InputException($"{path}: not a torch.save checkpoint: the zip archive has no data.pkl");
        }

        if (zip.GetEntry(prefix + "constants.pkl") is not null ||
            zip.Entries.Any(e => e.FullName.StartsWith(prefix + "code/", StringComparison.Ordinal)))
        {
            throw new InputException(
                $"{path}: a TorchScript archive (torch.jit.save), not a torch.save checkpoint; " +
                "save the model's weights with torch.save(model.state_dict(), path)");
        }

        return prefix;
    }

    private static void CheckByteOrder(ZipArchive zip, string prefix, string path, long fileLength)
    {
        var entry = zip.GetEntry(prefix + "byteorder");
        if (entry is null)
        {
            return;
        }

        CheckEntrySize(entry, path, fileLength);
        var head = new char[16];
        int count;
        try
        {
            using var reader = new StreamReader(entry.Open());
            count = reader.ReadBlock(head, 0, head.Length);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path}: {entry.FullName} cannot be read: {OneLine(e.Message)}", e);
        }

        string order = new string(head, 0, count).Trim();
        if (order != "little")
        {
            throw new InputException($"{path}: storages are stored {order}-endian; DynDet reads little-endian checkpoints");
        }
    }

    /// <summary>
    /// Refuses an entry whose sizes the file cannot back: stored bytes past the end of the file, or an
    /// unpacked size more than <see cref="MaxExpansion"/> times them.
    /// </summary>
    private static void CheckEntrySize(ZipArchiveEntry entry, string path, long fileLength)
    {
        if (entry.CompressedLength < 0 || entry.CompressedLength > fileLength)
        {
            throw new InputException(
                $"{path}: {entry.FullName} claims {entry.CompressedLength} stored bytes but the file has {fileLength}");
        }

        if (entry.Length < 0 || entry.Length > (MaxExpansion * entry.CompressedLength) + 4096)
        {
            throw new InputException(
                $"{path}: {entry.FullName} claims {entry.Length} bytes from {entry.CompressedLength} stored " +
                $"(more than {MaxExpansion} times; torch.save stores entries uncompressed)");
        }
    }

    private static byte[] ReadPickle(ZipArchiveEntry entry, string path, long fileLength)
    {
        CheckEntrySize(entry, path, fileLength);
        if (entry.Length > MaxPickleBytes)
        {
            throw new InputException($"{path}: data.pkl is {entry.Length} bytes, more than DynDet reads");
        }

        var bytes = new byte[entry.Length];
        try
        {
            using var s = entry.Open();
            int read = s.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read < bytes.Length)
            {
                throw new InputException($"{path}: data.pkl is truncated ({read} of {bytes.Length} bytes)");
            }
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path}: data.pkl cannot be read: {OneLine(e.Message)}", e);
        }

        return bytes;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>Turns the <see cref="PendingTensor"/>s of an unpickled graph into tensors, in place.</summary>
    private sealed class Materializer(ZipArchive zip, string prefix, string source, long fileLength)
    {
        private readonly Dictionary<string, Tensor> _storages = new(StringComparer.Ordinal);
        private readonly Dictionary<PendingTensor, Tensor> _built = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);
        private readonly List<Tensor> _tensors = [];

        public IReadOnlyList<Tensor> Tensors => _tensors;

        public object? Run(object? root)
        {
            try
            {
                return Visit(root, ValuePath.Root);
            }
            catch
            {
                foreach (var t in _tensors)
                {
                    t.Dispose();
                }

                throw;
            }
            finally
            {
                // The views keep the storages alive natively; these handles are no longer needed.
                foreach (var s in _storages.Values)
                {
                    s.Dispose();
                }
            }
        }

        private object? Visit(object? value, ValuePath path)
        {
            switch (value)
            {
                case PendingTensor pending:
                    return Build(pending, path);
                case StorageRecord storage:
                    throw new InputException($"{source}: {path} is a bare storage ('{storage.Key}'); DynDet reads tensors");
                case List<object?> list when _visited.Add(list):
                    for (int k = 0; k < list.Count; k++)
                    {
                        list[k] = Visit(list[k], path.Child((long)k));
                    }

                    return list;
                case PyTuple tuple when _visited.Add(tuple):
                    for (int k = 0; k < tuple.Count; k++)
                    {
                        tuple.Replace(k, Visit(tuple[k], path.Child((long)k)));
                    }

                    return tuple;
                case PyDict dict when _visited.Add(dict):
                    foreach (object key in dict.Keys.ToArray())
                    {
                        dict[key] = Visit(dict[key], path.Child(key));
                    }

                    dict.State = Visit(dict.State, path.Child("__state__"));
                    return dict;
                case PyObject obj when _visited.Add(obj):
                    for (int k = 0; k < obj.Arguments.Count; k++)
                    {
                        obj.Arguments.Replace(k, Visit(obj.Arguments[k], path.Child((long)k)));
                    }

                    obj.State = Visit(obj.State, path.Child("__state__"));
                    return obj;
                default:
                    return value;
            }
        }

        private Tensor Build(PendingTensor pending, ValuePath path)
        {
            if (_built.TryGetValue(pending, out var done))
            {
                return done;
            }

            StorageRecord storage = pending.Storage;
            long needed = ElementsNeeded(pending, path);
            if (needed > storage.Numel)
            {
                throw new InputException(
                    $"{source}: tensor {path} needs {needed} elements but storage '{storage.Key}' has {storage.Numel}");
            }

            Tensor whole = Storage(storage, path);
            Tensor view = whole.AsStrided(pending.Size, pending.Stride, pending.Offset);
            _tensors.Add(view);
            _built[pending] = view;
            if (pending.RequiresGrad)
            {
                view.RequiresGrad = true;
            }

            return view;
        }

        private long ElementsNeeded(PendingTensor pending, ValuePath path)
        {
            if (pending.Offset < 0 || pending.Size.Any(s => s < 0) || pending.Stride.Any(s => s < 0))
            {
                throw new InputException($"{source}: tensor {path} has a negative size, stride or offset");
            }

            try
            {
                long last = pending.Offset;
                for (int d = 0; d < pending.Size.Length; d++)
                {
                    if (pending.Size[d] == 0)
                    {
                        return 0;
                    }

                    last = checked(last + ((pending.Size[d] - 1) * pending.Stride[d]));
                }

                return checked(last + 1);
            }
            catch (OverflowException e)
            {
                throw new InputException($"{source}: tensor {path} has sizes and strides beyond any storage", e);
            }
        }

        private unsafe Tensor Storage(StorageRecord storage, ValuePath path)
        {
            if (_storages.TryGetValue(storage.Key, out var known))
            {
                return known;
            }

            string entryName = prefix + "data/" + storage.Key;
            var entry = zip.GetEntry(entryName) ?? throw new InputException(
                $"{source}: storage '{storage.Key}' of tensor {path} is missing ({entryName} is not in the archive)");
            CheckEntrySize(entry, source, fileLength);
            long bytes;
            try
            {
                bytes = checked(storage.Numel * storage.Dtype.ElementSize());
            }
            catch (OverflowException e)
            {
                throw new InputException($"{source}: storage '{storage.Key}' claims {storage.Numel} elements", e);
            }

            if (entry.Length < bytes)
            {
                throw new InputException(
                    $"{source}: storage '{storage.Key}' is truncated: {entry.Length} bytes stored, " +
                    $"{storage.Numel} {storage.Dtype.TorchName()} elements need {bytes}");
            }

            var tensor = Tensor.Empty([storage.Numel], storage.Dtype);
            _storages[storage.Key] = tensor;
            if (bytes == 0)
            {
                return tensor;
            }

            byte* data = (byte*)NativeMethods.dd_tensor_data_ptr(tensor.RawHandle);
            long done = 0;
            try
            {
                using var s = entry.Open();
                while (done < bytes)
                {
                    int chunk = (int)Math.Min(bytes - done, 1 << 30);
                    int read = s.ReadAtLeast(new Span<byte>(data + done, chunk), chunk, throwOnEndOfStream: false);
                    done += read;
                    if (read < chunk)
                    {
                        break;
                    }
                }
            }
            catch (InvalidDataException e)
            {
                throw new InputException($"{source}: storage '{storage.Key}' cannot be read: {OneLine(e.Message)}", e);
            }

            GC.KeepAlive(tensor);
            if (done < bytes)
            {
                throw new InputException($"{source}: storage '{storage.Key}' is truncated: {done} of {bytes} bytes");
            }

            return tensor;
        }
    }
}
