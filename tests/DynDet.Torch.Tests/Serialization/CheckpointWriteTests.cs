using DynDet.TestSupport;
using System.Numerics;
using System.Text.Json.Nodes;
using DynDet.Torch.Serialization;

namespace DynDet.Torch.Tests.Serialization;

/// <summary>Files DynDet writes are read by Python's torch.load (torch 1.13) and by DynDet, exactly.</summary>
public sealed class CheckpointWriteTests : TorchTest
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dyndet-ckpt-").FullName;

    /// <summary>
    /// One Python process checks every kind of file DynDet writes (importing torch dominates the time): a
    /// state dict of every dtype, a nested training checkpoint, the same as ZIP64, and torchvision's
    /// resnet18 read by DynDet and written again, which must load (strict) into torchvision's resnet18.
    /// </summary>
    [Fact]
    public void Python_torch_load_reads_what_DynDet_writes()
    {
        using var scope = Engine.NewDisposeScope();
        var stateDict = AllDtypes();
        var nested = NestedCheckpoint(stateDict);
        string stateFile = Path.Combine(_dir, "state.pth");
        string nestedFile = Path.Combine(_dir, "nested.pth");
        string zip64File = Path.Combine(_dir, "zip64.pth");
        string resnetFile = Path.Combine(_dir, "resnet18.pth");
        string resnetRootFile = Path.Combine(_dir, "resnet18_with_metadata.pth");
        TorchSerializer.SaveStateDict(stateFile, stateDict);
        TorchSerializer.Save(nestedFile, nested);
        CheckpointWriter.Write(zip64File, nested, forceZip64: true);
        using (var resnet = TorchSerializer.LoadStateDict(CheckpointFixtures.File("resnet18.pth")))
        {
            TorchSerializer.SaveStateDict(resnetFile, resnet);
        }

        int metadataCount;
        using (var resnet = TorchSerializer.Load(CheckpointFixtures.File("resnet18.pth")))
        {
            // The loaded OrderedDict with its _metadata state, written back as it came.
            TorchSerializer.Save(resnetRootFile, resnet.Root);
            metadataCount = ((PyDict)((PyDict)((PyDict)resnet.Root!).State!)["_metadata"]!).Count;
        }

        var python = CheckpointFixtures.PythonDigests([stateFile, nestedFile, zip64File, resnetFile, resnetRootFile]);
        TorchDigest.AssertSame(TorchDigest.Of(stateDict), python[stateFile]["digest"], "state dict read by torch.load");
        TorchDigest.AssertSame(TorchDigest.Of(nested), python[nestedFile]["digest"], "nested checkpoint read by torch.load");
        TorchDigest.AssertSame(TorchDigest.Of(nested), python[zip64File]["digest"], "ZIP64 file read by torch.load");
        TorchDigest.AssertSame(TorchDigest.WithoutLayout(CheckpointFixtures.Reference("resnet18.pth")),
            python[resnetFile]["digest"], "resnet18 re-saved by DynDet, read by torch.load");
        TorchDigest.AssertSame(TorchDigest.WithoutLayout(CheckpointFixtures.Reference("resnet18.pth")),
            python[resnetRootFile]["digest"], "resnet18 OrderedDict with _metadata re-saved by DynDet, read by torch.load");
        Assert.True((bool)python[resnetFile]["loads_into_resnet18"]!);
        Assert.True((bool)python[resnetRootFile]["loads_into_resnet18"]!);
        Assert.Equal(metadataCount, (int)python[resnetRootFile]["metadata"]!);
        Assert.True(metadataCount > 10);
        Assert.Equal(-1, (int)python[resnetFile]["metadata"]!);
        Assert.All(python.Values, entry => Assert.True((bool)entry["aligned"]!, "storage data aligned to 64 bytes"));

        // The comparison can fail: one changed element, or one renamed key, is a difference.
        var changed = AllDtypes();
        changed["int32"] = Tensor.FromArray(new int[] { int.MinValue, 8, int.MaxValue });
        Assert.Contains("sha256", TorchDigest.Difference(TorchDigest.Of(changed), python[stateFile]["digest"]),
            StringComparison.Ordinal);
        changed = AllDtypes();
        changed["int64_renamed"] = changed["int64"];
        changed.Remove("int64");
        Assert.NotNull(TorchDigest.Difference(TorchDigest.Of(changed), python[stateFile]["digest"]));
    }

    [Fact]
    public void DynDet_reads_back_what_it_writes()
    {
        using var scope = Engine.NewDisposeScope();
        var stateDict = AllDtypes();
        var nested = NestedCheckpoint(stateDict);
        foreach (bool zip64 in new[] { false, true })
        {
            string file = Path.Combine(_dir, $"roundtrip{zip64}.pth");
            CheckpointWriter.Write(file, nested, zip64);
            using var loaded = TorchSerializer.Load(file);
            TorchDigest.AssertSame(TorchDigest.Of(nested), TorchDigest.Of(loaded.Root), "round trip");
            var root = (PyDict)loaded.Root!;
            Assert.IsType<PyTuple>(root["tuple"]);
            Assert.IsType<List<object?>>(root["ints"]);
            Assert.IsType<BigInteger>(root["big"]);
            Assert.Equal("argparse.Namespace", ((PyObject)root["args"]!).Constructor.FullName);
            Assert.True(((PyDict)root["state_dict"]!).IsOrderedDict);
            // One storage per distinct tensor: the same tensor saved twice comes back as one object.
            Assert.Same(root["again"], ((PyDict)root["state_dict"]!)["float32"]);
        }
    }

    [Fact]
    public void Saving_leaves_only_the_target_and_replaces_it()
    {
        string file = Path.Combine(_dir, "model.pth");
        using var a = Tensor.Ones(3);
        using var b = Tensor.Zeros(5);
        TorchSerializer.SaveStateDict(file, [new("w", a)]);
        TorchSerializer.SaveStateDict(file, [new("w", b)]);
        Assert.Equal(["model.pth"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        using var state = TorchSerializer.LoadStateDict(file);
        Assert.Equal(new long[] { 5 }, state["w"].Shape);
    }

    [Fact]
    public void A_failed_save_keeps_the_old_file_and_leaves_no_temporary_file()
    {
        string file = Path.Combine(_dir, "model.pth");
        using var a = Tensor.Ones(3);
        TorchSerializer.SaveStateDict(file, [new("w", a)]);
        byte[] before = File.ReadAllBytes(file);

        // Fails while pickling, after the temporary file was created.
        Assert.Throws<ArgumentException>(() => TorchSerializer.Save(file, new PyDict { ["w"] = a, ["bad"] = new object() }));
        // Fails while writing storages: a disposed tensor.
        var disposed = Tensor.Zeros(2);
        disposed.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => TorchSerializer.SaveStateDict(file, [new("w", a), new("gone", disposed)]));
        // Fails because a value contains itself.
        var loop = new List<object?>();
        loop.Add(loop);
        Assert.Throws<ArgumentException>(() => TorchSerializer.Save(file, loop));

        Assert.Equal(before, File.ReadAllBytes(file));
        Assert.Equal(["model.pth"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Append(0, "123456789"u8));
        Assert.Equal(0xCBF43926u, Crc32.AppendScalar(0, "123456789"u8));
        var random = new Random(7);
        byte[] data = new byte[5000];
        random.NextBytes(data);
        foreach (int length in new[] { 0, 1, 15, 16, 63, 64, 65, 80, 127, 128, 129, 1000, 4999, 5000 })
        {
            var span = data.AsSpan(0, length);
            uint expected = Crc32.AppendScalar(0, span);
            Assert.Equal(expected, Crc32.Append(0, span));
            int cut = length / 3;
            Assert.Equal(expected, Crc32.Append(Crc32.Append(0, span[..cut]), span[cut..]));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(_dir, recursive: true);
        }

        base.Dispose(disposing);
    }

    /// <summary>Every dtype, plus a transposed (non-contiguous) view, a scalar and an empty tensor.</summary>
    private static Dictionary<string, Tensor> AllDtypes()
    {
        var f = Tensor.FromArray(new float[] { 1.5f, -2, float.NaN, float.PositiveInfinity, -0f, 3e-38f }, 2, 3);
        return new Dictionary<string, Tensor>
        {
            ["float32"] = f,
            ["transposed"] = f.Transpose(0, 1),
            ["float64"] = f.To(ScalarType.Float64) * 1e-3,
            ["float16"] = f.To(ScalarType.Float16),
            ["bfloat16"] = f.To(ScalarType.BFloat16),
            ["int64"] = Tensor.FromArray(new long[] { long.MinValue, -1, 0, long.MaxValue }),
            ["int32"] = Tensor.FromArray(new int[] { int.MinValue, 7, int.MaxValue }),
            ["int16"] = Tensor.FromArray(new short[] { short.MinValue, 3 }),
            ["int8"] = Tensor.FromArray(new sbyte[] { -128, 5, 127 }),
            ["uint8"] = Tensor.FromArray(new byte[] { 0, 200, 255 }),
            ["bool"] = Tensor.FromArray(new[] { true, false, true }),
            ["scalar"] = Tensor.ScalarTensor(4, ScalarType.Int64),
            ["empty"] = Tensor.Zeros([0, 3]),
        };
    }

    private static PyDict NestedCheckpoint(Dictionary<string, Tensor> stateDict) => new()
    {
        ["state_dict"] = stateDict,
        ["optimizer"] = new PyDict
        {
            ["state"] = new PyDict { [0L] = new PyDict { ["momentum_buffer"] = stateDict["float64"] } },
            ["param_groups"] = new List<object?> { new Dictionary<string, object?> { ["lr"] = 0.02, ["params"] = new long[] { 0, 1 } } },
        },
        ["iteration"] = 1200,
        ["tuple"] = (1, "a", 2.5f, (true, (object?)null)),
        ["ints"] = new List<object?> { 0L, 255L, 256L, 65536L, -1L, int.MinValue, long.MaxValue, long.MinValue, ulong.MaxValue },
        ["big"] = -BigInteger.Pow(3, 50),
        ["floats"] = new[] { 0.1, double.NegativeInfinity, -0.0, double.Epsilon },
        ["bytes"] = new byte[] { 0, 1, 0xFF },
        ["empty_bytes"] = Array.Empty<byte>(),
        ["text"] = "h\u00e9llo \u2713 \U0001F600",
        ["many"] = Enumerable.Range(0, 2500).Select(i => (long)i).ToList(),
        ["wide"] = Enumerable.Range(0, 1200).ToDictionary(i => "k" + i, i => (object?)i),
        ["args"] = new PyObject(new PyGlobal("argparse", "Namespace"), PyTuple.Empty,
            new PyDict { ["lr"] = 0.1, ["epochs"] = 12L }, createdWithNew: true),
        ["again"] = stateDict["float32"],
        ["none"] = null,
    };
}
