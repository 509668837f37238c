using DynDet.TestSupport;
using DynDet.Torch.Serialization;

namespace DynDet.Torch.Tests.Serialization;

/// <summary>Broken or foreign files are refused with one line naming the file and the fault, leaking nothing.</summary>
public sealed class CheckpointErrorTests : TorchTest
{
    [Theory]
    [InlineData("not_zip.pt", "not a torch.save checkpoint (not a zip archive)")]
    [InlineData("legacy.pt", "a legacy (pre-1.6, non-zip) torch.save file; re-save it with a newer torch.save")]
    [InlineData("no_data_pkl.pt", "the zip archive has no data.pkl")]
    [InlineData("truncated_storage.pt", "storage '0' is truncated: 40 bytes stored, 100 torch.float32 elements need 400")]
    [InlineData("shape_beyond_storage.pt", "tensor 'layer1.0.conv1.weight' needs 36864 elements but storage '3' has 100")]
    [InlineData("missing_storage.pt", "storage '0' of tensor 'w' is missing (bad/data/0 is not in the archive)")]
    [InlineData("bad_opcode.pt", "unsupported pickle opcode 0xff at byte 5 of data.pkl")]
    [InlineData("truncated_pickle.pt", "data.pkl is malformed at byte 6: a 5-byte argument runs past the end of data.pkl (truncated?)")]
    [InlineData("sparse.pt", "unsupported tensor kind 'torch._utils._rebuild_sparse_tensor'")]
    [InlineData("complex.pt", "unsupported storage type 'torch.ComplexFloatStorage'")]
    [InlineData("torchscript.pt", "a TorchScript archive (torch.jit.save)")]
    [InlineData("truncated_zip.pt", "not a valid zip archive (truncated or corrupt?)")]
    public void Bad_files_give_one_line_naming_the_file_and_the_fault(string file, string expected)
    {
        string path = CheckpointFixtures.File("bad", file);
        var e = Assert.Throws<InputException>(() => TorchSerializer.Load(path).Dispose());
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), "dyndet-no-such-checkpoint.pth");
        var e = Assert.Throws<InputException>(() => TorchSerializer.LoadStateDict(path).Dispose());
        Assert.Equal(path + ": no such file", e.Message);
    }

    [Fact]
    public void A_file_without_a_state_dict_says_what_it_holds()
    {
        string dir = Directory.CreateTempSubdirectory("dyndet-ckpt-").FullName;
        try
        {
            string noState = Path.Combine(dir, "no_state.pt");
            TorchSerializer.Save(noState, new PyDict { ["epoch"] = 3L, ["meta"] = "x" });
            var e = Assert.Throws<InputException>(() => TorchSerializer.LoadStateDict(noState).Dispose());
            Assert.Equal($"{noState}: no state dict found: the top level holds 'epoch', 'meta', not tensors, 'state_dict' or 'model'",
                e.Message);

            string notTensor = Path.Combine(dir, "not_tensor.pt");
            using (var w = Tensor.Ones(2))
            {
                TorchSerializer.Save(notTensor, new PyDict { ["state_dict"] = new PyDict { ["w"] = w, ["step"] = 5L } });
            }

            e = Assert.Throws<InputException>(() => TorchSerializer.LoadStateDict(notTensor).Dispose());
            Assert.Equal($"{notTensor}: state dict 'state_dict' entry 'step' is a number (5), not a tensor", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
