using DynDet.TestSupport;
using System.Numerics;
using DynDet.Torch.Serialization;

namespace DynDet.Torch.Tests.Serialization;

/// <summary>Files written by Python's torch.save (tests/fixtures/gen_checkpoint.py) read back exactly.</summary>
public sealed class CheckpointReadTests : TorchTest
{
    [Fact]
    public void Torchvision_resnet18_state_dict_reads_bit_exactly_in_order()
    {
        string path = CheckpointFixtures.File("resnet18.pth");
        using (var state = TorchSerializer.LoadStateDict(path))
        {
            TorchDigest.AssertSame(CheckpointFixtures.Reference("resnet18.pth"), TorchDigest.Of(state, layout: true), path);
            Assert.Equal(122, state.Count);
            Assert.Equal("conv1.weight", state.Keys.First());
            Assert.Equal(new long[] { 64, 3, 7, 7 }, state["conv1.weight"].Shape);
            var tracked = state["bn1.num_batches_tracked"];
            Assert.Equal(ScalarType.Int64, tracked.Dtype);
            Assert.Equal(0, tracked.Dim);
            Assert.Equal(0, tracked.ToInt64());
        }

        // The OrderedDict's _metadata (module versions) survives as the dict's state.
        using var loaded = TorchSerializer.Load(path);
        var root = Assert.IsType<PyDict>(loaded.Root);
        Assert.True(root.IsOrderedDict);
        var attributes = Assert.IsType<PyDict>(root.State);
        var metadata = Assert.IsType<PyDict>(attributes["_metadata"]);
        Assert.Equal(2L, ((PyDict)metadata["bn1"]!)["version"]);
    }

    [Fact]
    public void Views_keep_their_strides_offsets_and_shared_storages()
    {
        string path = CheckpointFixtures.File("views.pt");
        using var loaded = TorchSerializer.Load(path);
        TorchDigest.AssertSame(CheckpointFixtures.Reference("views.pt"), TorchDigest.Of(loaded.Root, layout: true), path);
        var root = (PyDict)loaded.Root!;
        var transposed = (Tensor)root["transposed"]!;
        Assert.Equal(new long[] { 1, 6 }, transposed.Strides);
        using (var block = ((Tensor)root["block"]!).Contiguous())
        {
            Assert.Equal(new float[] { 13, 14, 15, 19, 20, 21 }, block.ToArray<float>());
        }

        Assert.Equal(new long[] { 0, 1 }, ((Tensor)root["expanded"]!).Strides);
    }

    [Fact]
    public void Every_dtype_reads_bit_exactly()
    {
        string path = CheckpointFixtures.File("dtypes.pt");
        using var loaded = TorchSerializer.Load(path);
        TorchDigest.AssertSame(CheckpointFixtures.Reference("dtypes.pt"), TorchDigest.Of(loaded.Root, layout: true), path);
        var root = (PyDict)loaded.Root!;
        Assert.Equal(ScalarType.BFloat16, ((Tensor)root["bfloat16"]!).Dtype);
        Assert.Equal(ScalarType.Bool, ((Tensor)root["bool"]!).Dtype);
        Assert.Equal(2.5, ((Tensor)root["scalar_f32"]!).ToDouble());
    }

    [Fact]
    public void A_nested_training_checkpoint_reads_into_the_value_model()
    {
        string path = CheckpointFixtures.File("nested.pt");
        using var loaded = TorchSerializer.Load(path);
        TorchDigest.AssertSame(CheckpointFixtures.Reference("nested.pt"), TorchDigest.Of(loaded.Root, layout: true), path);

        var root = Assert.IsType<PyDict>(loaded.Root);
        Assert.False(root.IsOrderedDict);
        Assert.Equal(1200L, root["iteration"]);
        Assert.Equal(BigInteger.Pow(2, 70), root["big"]);
        Assert.Equal(new byte[] { 0, 0xFF, (byte)'a', (byte)'b' }, root["bytes"]);
        Assert.Equal("h\u00e9llo \u2713 \U0001F600", root["unicode"]);
        var optimizer = (PyDict)root["optimizer"]!;
        var state = (PyDict)optimizer["state"]!;
        Assert.IsType<Tensor>(((PyDict)state[0L]!)["momentum_buffer"]);
        Assert.Null(((PyDict)state[1L]!)["momentum_buffer"]);
        var group = (PyDict)((List<object?>)optimizer["param_groups"]!)[0]!;
        Assert.Equal(0.02, group["lr"]);
        Assert.Equal(new PyTuple(true, false, null), ((PyDict)root["dynamic"]!)["flags"]);
        Assert.Same(root["shared_a"], root["shared_b"]);
        Assert.Same(root["shared_a"], ((PyDict)root["state_dict"]!)["fc.weight"]);
        Assert.True(((Tensor)root["param"]!).RequiresGrad);
        var args = Assert.IsType<PyObject>(root["args"]);
        Assert.Equal("argparse.Namespace", args.Constructor.FullName);
        Assert.Equal(0.1, ((PyDict)args.State!)["lr"]);
        Assert.Equal(loaded.Tensors.Count, loaded.Tensors.Distinct().Count());
    }

    [Fact]
    public void LoadStateDict_finds_the_state_dict_of_a_training_checkpoint_and_frees_the_rest()
    {
        using var state = TorchSerializer.LoadStateDict(CheckpointFixtures.File("nested.pt"));
        Assert.Equal(new[] { "fc.weight", "fc.bias", "bn.num_batches_tracked" }, state.Keys);
        Assert.Equal(17, state["bn.num_batches_tracked"].ToInt64());
        Assert.Equal(3, Engine.LiveTensors);
    }
}
