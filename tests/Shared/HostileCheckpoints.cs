using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using static DynDet.Torch.Serialization.PickleOpcodes;

namespace DynDet.TestSupport;

/// <summary>
/// Builds hostile torch.save files byte by byte (the pickle written by hand into a zip laid out as
/// torch.save lays it out: <c>archive/data.pkl</c>, <c>archive/byteorder</c>, <c>archive/version</c>),
/// the shapes probing found to hang or crash a naive reader.
/// </summary>
public static class HostileCheckpoints
{
    /// <summary>
    /// About 670 bytes: tuple t0 = (1,), and t(i) = (t(i−1), t(i−1)) through memo GET, so
    /// <paramref name="depth"/> tuples expand to 2^depth leaves; the last one is the key of the top-level
    /// dict (<paramref name="asKey"/>) or the value under <c>'w'</c>. Hashing or comparing it naively never ends.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="depth">Tuples in the chain, 1–255 (default 160).</param>
    /// <param name="asKey">True (default) to use the last tuple as a dict key, false as a value.</param>
    public static void WriteSharedTupleDag(string path, int depth = 160, bool asKey = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depth, 255);
        var p = new List<byte> { Proto, 4, EmptyDict };
        if (!asKey)
        {
            AddShortString(p, "w");
        }

        p.AddRange([BinInt1, 1, Tuple1, Memoize]);
        for (int i = 1; i < depth; i++)
        {
            p.AddRange([BinGet, (byte)(i - 1), Tuple2, Memoize]);
        }

        if (asKey)
        {
            p.AddRange([BinInt1, 0]);
        }

        p.AddRange([SetItem, Stop]);
        WritePickle(path, [.. p]);
    }

    /// <summary>
    /// About 400 KB: <paramref name="depth"/> lists, each holding the next (two bytes a level), under
    /// the top-level dict's <c>'state_dict'</c>. Walking it by recursion overflows the stack.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="depth">Nesting levels of lists (default 200,000).</param>
    public static void WriteDeepNesting(string path, int depth = 200_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        var p = new List<byte>(2 * depth + 32) { Proto, 2, EmptyDict };
        AddShortString(p, "state_dict");
        for (int i = 0; i < depth; i++)
        {
            p.Add(EmptyList);
        }

        for (int i = 1; i < depth; i++)
        {
            p.Add(Append);
        }

        p.AddRange([SetItem, Stop]);
        WritePickle(path, [.. p]);
    }

    /// <summary>
    /// Writes a torch.save-shaped zip whose data.pkl is <paramref name="pickle"/>, with extra
    /// <c>archive/data/&lt;key&gt;</c> storages; entries are stored, or deflated with <paramref name="deflate"/>.
    /// </summary>
    public static void WritePickle(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]>? storages = null, bool deflate = false)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        var level = deflate ? CompressionLevel.SmallestSize : CompressionLevel.NoCompression;
        Add(zip, "archive/data.pkl", pickle, level);
        Add(zip, "archive/byteorder", Encoding.ASCII.GetBytes("little"), CompressionLevel.NoCompression);
        foreach (var (key, bytes) in storages ?? new Dictionary<string, byte[]>())
        {
            Add(zip, "archive/data/" + key, bytes, level);
        }

        Add(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"), CompressionLevel.NoCompression);
    }

    /// <summary>
    /// Rewrites the uncompressed size the central directory records for <paramref name="entryName"/>
    /// (a lie the zip reader reports as the entry's length).
    /// </summary>
    public static void PatchCentralDirectorySize(string path, string entryName, uint size)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] name = Encoding.UTF8.GetBytes(entryName);
        for (int at = bytes.Length - 46; at >= 0; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) == 0x02014b50 &&
                BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28)) == name.Length &&
                bytes.AsSpan(at + 46, name.Length).SequenceEqual(name))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 24), size);
                File.WriteAllBytes(path, bytes);
                return;
            }
        }

        throw new InvalidOperationException($"{entryName} is not in the central directory of {path}");
    }

    private static void AddShortString(List<byte> pickle, string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        pickle.Add(0x8c); // SHORT_BINUNICODE
        pickle.Add((byte)utf8.Length);
        pickle.AddRange(utf8);
    }

    private static void Add(ZipArchive zip, string name, byte[] data, CompressionLevel level)
    {
        using var s = zip.CreateEntry(name, level).Open();
        s.Write(data);
    }
}
