using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>Reads and compares the weights of DynDet checkpoints in tests.</summary>
internal static class CheckpointWeights
{
    /// <summary>Asserts that two checkpoints hold the same state-dict names and bit-identical tensors.</summary>
    public static void AssertSame(string expectedPath, string actualPath)
    {
        using var a = TorchSerializer.Load(expectedPath);
        using var b = TorchSerializer.Load(actualPath);
        var sa = a.GetStateDict("state_dict");
        var sb = b.GetStateDict("state_dict");
        Assert.Equal(sa.Keys, sb.Keys);
        foreach (var key in sa.Keys)
        {
            Assert.True(sa[key].Equal(sb[key]), $"{key} differs between {expectedPath} and {actualPath}");
        }
    }

    /// <summary>Asserts that every floating-point weight and buffer of a checkpoint is finite.</summary>
    public static void AssertFinite(string path)
    {
        using var scope = DynDet.Torch.Engine.NewDisposeScope();
        using var checkpoint = TorchSerializer.Load(path);
        foreach (var (key, tensor) in checkpoint.GetStateDict("state_dict"))
        {
            if (DynDet.Torch.ScalarTypes.IsFloatingPoint(tensor.Dtype))
            {
                Assert.True(tensor.IsFinite().All().ToBoolean(), $"{key} is not finite in {path}");
            }
        }
    }

    /// <summary>The iteration a checkpoint was written at.</summary>
    public static long Iteration(string path)
    {
        using var checkpoint = TorchSerializer.Load(path);
        return TrainingCheckpoint.ReadInfo(checkpoint).Iteration;
    }
}
