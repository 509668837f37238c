using DynDet.Torch;
using DynDet.Torch.Distributed;
using DynDet.Torch.NN;

namespace DynDet.Training.Distributed;

/// <summary>
/// Makes every rank's model rank 0's, as DDP does when it wraps a model: every parameter (frozen ones too) and every
/// buffer (batch-norm statistics included) broadcast from rank 0, one tensor at a time in the module's order (the same
/// on every rank, since every rank built the same config). Done once at the start of a run, after the weights were
/// initialised, loaded or restored.
/// </summary>
public static class ModelBroadcast
{
    /// <summary>Overwrites <paramref name="model"/>'s parameters and buffers on every rank of <paramref name="group"/> with rank 0's.</summary>
    /// <returns>The number of tensors broadcast.</returns>
    public static int FromRankZero(ProcessGroup group, Module model)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(model);
        if (group.WorldSize == 1)
        {
            return 0;
        }

        using var noGrad = Engine.NoGrad();
        int count = 0;
        foreach (var (_, tensor) in model.NamedParameters().Concat(model.NamedBuffers()))
        {
            group.Broadcast(tensor, root: 0);
            count++;
        }

        return count;
    }
}
