using System.Buffers.Binary;
using System.Text;
using DynDet.TestSupport;
using DynDet.Torch.Serialization;

namespace DynDet.Torch.Tests.Serialization;

/// <summary>
/// Files built to hurt the reader (shared sub-tuples, deep nesting, cycles, lying lengths) are refused
/// with one line naming the file and the fault, quickly and without allocating what they claim.
/// </summary>
public sealed class HostileCheckpointTests : TorchTest, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dyndet-hostile-").FullName;

    [Fact]
    public void A_shared_tuple_dag_as_a_dict_key_is_refused_without_hashing_it_exponentially()
    {
        string path = Path.Combine(_dir, "dag.pth");
        HostileCheckpoints.WriteSharedTupleDag(path);
        Assert.InRange(new FileInfo(path).Length, 400, 1200);
        AssertRefused(path, "a dict key is a tuple of more than 1000 items");
    }

    [Fact]
    public void A_shared_tuple_dag_as_a_value_loads_and_compares_and_prints_in_linear_time()
    {
        string path = Path.Combine(_dir, "dag_value.pth");
        HostileCheckpoints.WriteSharedTupleDag(path, depth: 200, asKey: false);
        using var loaded = TorchSerializer.Load(path);
        var dag = Assert.IsType<PyTuple>(((PyDict)loaded.Root!)["w"]);

        // The same 2^200-leaf structure built separately: equal, equal hashes, and comparing ends.
        var twin = new PyTuple(1L);
        for (int i = 1; i < 200; i++)
        {
            twin = new PyTuple(twin, twin);
        }

        Assert.Equal(twin.GetHashCode(), dag.GetHashCode());
        Assert.True(dag.Equals(twin));
        Assert.False(dag.Equals(new PyTuple(twin, 2L)));
        string text = dag.ToString();
        Assert.StartsWith("((((", text, StringComparison.Ordinal);
        Assert.Equal(PyTuple.MaxToStringLength + 1, text.Length);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_lists_are_refused_before_anything_recurses()
    {
        string path = Path.Combine(_dir, "deep.pth");
        HostileCheckpoints.WriteDeepNesting(path);
        Assert.InRange(new FileInfo(path).Length, 300_000, 500_000);
        AssertRefused(path, "pickle nests deeper than 1000 levels");
        Assert.Throws<InputException>(() => TorchSerializer.LoadStateDict(path).Dispose());
    }

    [Fact]
    public void Nesting_of_exactly_the_limit_loads_and_one_more_level_is_refused()
    {
        // The top-level dict is one level, so 999 lists inside it make 1000.
        string ok = Path.Combine(_dir, "limit.pth");
        HostileCheckpoints.WriteDeepNesting(ok, NestingCheck.MaxDepth - 1);
        using (var loaded = TorchSerializer.Load(ok))
        {
            int depth = 1;
            for (object? v = ((PyDict)loaded.Root!)["state_dict"]; v is List<object?> list; v = list.Count > 0 ? list[0] : null)
            {
                depth++;
            }

            Assert.Equal(NestingCheck.MaxDepth, depth);
        }

        string over = Path.Combine(_dir, "over.pth");
        HostileCheckpoints.WriteDeepNesting(over, NestingCheck.MaxDepth);
        AssertRefused(over, "pickle nests deeper than 1000 levels");
    }

    [Fact]
    public void Deeply_nested_tuples_and_dicts_are_refused_too()
    {
        // 5000 × TUPLE1 over (): hashing it recursively would recurse 5000 deep.
        var tuples = new List<byte> { 0x80, 2, (byte)')' };
        tuples.AddRange(Enumerable.Repeat((byte)0x85, 5000));
        tuples.Add((byte)'.');
        string tuplePath = Write("tuples.pth", [.. tuples]);
        AssertRefused(tuplePath, "pickle nests deeper than 1000 levels");

        // {'a': {'a': ... }} 5000 deep.
        string dictPath = Write("dicts.pth", DeepDicts(5000));
        AssertRefused(dictPath, "pickle nests deeper than 1000 levels");
    }

    [Fact]
    public void Nesting_built_by_filling_lists_after_inserting_them_is_measured_too()
    {
        // L0 = [], memo 0; then for each level: EMPTY_LIST, memo i, APPEND into the list below (still
        // empty when inserted)... every list is appended while empty, so only the final graph is deep.
        var p = new List<byte> { 0x80, 2, (byte)']', 0x94 };
        for (int i = 1; i < 3000; i++)
        {
            // stack: [L(i-1)]; push L(i), memoize, append it to L(i-1), leaving L(i-1); pop it; get L(i).
            p.AddRange([(byte)']', 0x94, (byte)'a', (byte)'0']);
            p.AddRange([(byte)'j', .. BitConverter.GetBytes(i)]);
        }

        p.AddRange([(byte)'0', (byte)'h', 0, (byte)'.']);
        string path = Write("filled_later.pth", [.. p]);
        AssertRefused(path, "pickle nests deeper than 1000 levels");
    }

    [Fact]
    public void A_list_that_contains_itself_is_refused()
    {
        // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP: l = [l].
        string path = Write("cycle.pth", [0x80, 2, (byte)']', (byte)'q', 0, (byte)'h', 0, (byte)'a', (byte)'.']);
        AssertRefused(path, "data.pkl holds a value that contains itself (a reference cycle)");
    }

    [Theory]
    [InlineData((byte)'X', 4, "a 2147483647-byte argument runs past the end of data.pkl")] // BINUNICODE
    [InlineData((byte)'B', 4, "a 2147483647-byte argument runs past the end of data.pkl")] // BINBYTES
    [InlineData(0x8e, 8, "a 2147483647-byte argument runs past the end of data.pkl")] // BINBYTES8
    [InlineData(0x8d, 8, "a 2147483647-byte argument runs past the end of data.pkl")] // BINUNICODE8
    [InlineData(0x95, 8, "a 2147483647-byte frame runs past the end of data.pkl")] // FRAME
    public void A_length_past_the_end_of_the_pickle_is_refused_before_allocating(byte opcode, int lengthBytes, string expected)
    {
        var p = new List<byte> { 0x80, 4, opcode };
        var length = new byte[lengthBytes];
        BinaryPrimitives.WriteInt32LittleEndian(length, int.MaxValue);
        p.AddRange(length);
        p.AddRange("abc"u8.ToArray());
        p.Add((byte)'.');
        AssertRefused(Write("long_string.pth", [.. p]), expected);
    }

    [Fact]
    public void A_storage_shorter_than_its_tensor_needs_is_refused()
    {
        string path = Write("short_storage.pth", TensorPickle(numel: 4, size: 3, stride: 2), new() { ["0"] = new byte[16] });
        AssertRefused(path, "tensor 'w' needs 5 elements but storage '0' has 4");
    }

    [Fact]
    public void A_huge_numel_is_refused_without_allocating_it()
    {
        long numel = 1L << 40; // 4 TiB of float32 claimed, 16 bytes stored
        string path = Write("huge_numel.pth", TensorPickle(numel, size: 4, stride: 1), new() { ["0"] = new byte[16] });
        AssertRefused(path, $"storage '0' is truncated: 16 bytes stored, {numel} torch.float32 elements need {numel * 4}");
    }

    [Fact]
    public void A_numel_whose_bytes_overflow_is_refused()
    {
        long numel = long.MaxValue / 2;
        string path = Write("overflow_numel.pth", TensorPickle(numel, size: 4, stride: 1), new() { ["0"] = new byte[16] });
        AssertRefused(path, $"storage '0' claims {numel} elements");
    }

    [Fact]
    public void A_zip_entry_claiming_more_bytes_than_the_file_backs_is_refused()
    {
        string path = Write("lying_entry.pth", TensorPickle(numel: 4, size: 4, stride: 1), new() { ["0"] = new byte[16] });
        HostileCheckpoints.PatchCentralDirectorySize(path, "archive/data.pkl", 0x7FFF_FFF0);
        AssertRefused(path, "archive/data.pkl claims 2147483632 bytes from");

        string storage = Write("lying_storage.pth", TensorPickle(numel: 1L << 28, size: 4, stride: 1), new() { ["0"] = new byte[16] });
        HostileCheckpoints.PatchCentralDirectorySize(storage, "archive/data/0", 1u << 30);
        AssertRefused(storage, "archive/data/0 claims 1073741824 bytes from 16 stored");
    }

    [Fact]
    public void A_compressed_pickle_bomb_is_refused()
    {
        // Two million (None, APPEND) pairs deflate to a few KB: far more than 64 times.
        var p = new List<byte>(4_000_016) { 0x80, 2, (byte)']' };
        for (int i = 0; i < 2_000_000; i++)
        {
            p.AddRange([(byte)'N', (byte)'a']);
        }

        p.Add((byte)'.');
        string path = Path.Combine(_dir, "bomb.pth");
        HostileCheckpoints.WritePickle(path, [.. p], deflate: true);
        AssertRefused(path, "torch.save stores entries uncompressed");
    }

    [Fact]
    public void A_well_formed_tensor_built_by_hand_loads()
    {
        // Guards the builders above: the same layout with honest numbers reads.
        var data = new byte[16];
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(8), 2.5f);
        string path = Write("honest.pth", TensorPickle(numel: 4, size: 2, stride: 2), new() { ["0"] = data });
        using var state = TorchSerializer.LoadStateDict(path);
        Assert.Equal([0f, 2.5f], state["w"].ToArray<float>());
    }

    private static void AssertRefused(string path, string expected)
    {
        var e = Assert.Throws<InputException>(() => TorchSerializer.Load(path).Dispose());
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>{'a': {'a': ...}} <paramref name="depth"/> deep: each level pushes 'a' then a new dict; SETITEMs close them.</summary>
    private static byte[] DeepDicts(int depth)
    {
        var p = new List<byte> { 0x80, 2, (byte)'}' };
        for (int i = 1; i < depth; i++)
        {
            p.AddRange([0x8c, 1, (byte)'a', (byte)'}']);
        }

        p.AddRange(Enumerable.Repeat((byte)'s', depth - 1));
        p.Add((byte)'.');
        return [.. p];
    }

    /// <summary>{'w': float32 tensor of one dimension (size, stride) over storage '0' of numel elements}, as torch.save pickles it.</summary>
    private static byte[] TensorPickle(long numel, long size, long stride)
    {
        var p = new List<byte> { 0x80, 2, (byte)'}' };
        Str(p, "w");
        Global(p, "torch._utils", "_rebuild_tensor_v2");
        p.Add((byte)'(');
        p.Add((byte)'(');
        Str(p, "storage");
        Global(p, "torch", "FloatStorage");
        Str(p, "0");
        Str(p, "cpu");
        Long(p, numel);
        p.Add((byte)'t');
        p.Add((byte)'Q'); // BINPERSID
        Long(p, 0);
        Long(p, size);
        p.Add(0x85);
        Long(p, stride);
        p.Add(0x85);
        p.Add(0x89); // False
        Global(p, "collections", "OrderedDict");
        p.Add((byte)')');
        p.Add((byte)'R');
        p.Add((byte)'t');
        p.Add((byte)'R');
        p.Add((byte)'s');
        p.Add((byte)'.');
        return [.. p];
    }

    private static void Str(List<byte> p, string s)
    {
        p.Add(0x8c);
        p.Add((byte)s.Length);
        p.AddRange(Encoding.ASCII.GetBytes(s));
    }

    private static void Global(List<byte> p, string module, string name)
    {
        p.Add((byte)'c');
        p.AddRange(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
    }

    private static void Long(List<byte> p, long v)
    {
        p.Add(0x8a); // LONG1, 8 bytes
        p.Add(8);
        p.AddRange(BitConverter.GetBytes(v));
    }

    private string Write(string name, byte[] pickle, Dictionary<string, byte[]>? storages = null)
    {
        string path = Path.Combine(_dir, name);
        HostileCheckpoints.WritePickle(path, pickle, storages);
        return path;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(_dir, recursive: true);
        }

        base.Dispose(disposing);
    }
}
