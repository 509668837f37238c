using DynDet.Torch;
using DynDet.Torch.Distributed;

namespace DynDet.Training.Distributed;

/// <summary>
/// The ranks' agreement to stop, taken after every step: a rank that wants to stop (Ctrl-C or SIGTERM reached it, or
/// rank 0's evaluation was interrupted) makes all of them stop after the same step, so that none waits for a partner
/// that is gone. One all-reduce of one number (the maximum of the ranks' wishes).
/// </summary>
public static class StopAgreement
{
    /// <summary>Whether any rank of <paramref name="group"/> wants to stop; <paramref name="here"/> is this rank's wish.</summary>
    public static bool Any(ProcessGroup group, bool here)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.WorldSize == 1)
        {
            return here;
        }

        using var scope = Engine.NewDisposeScope();
        var vote = Tensor.FromArray(new float[] { here ? 1f : 0f });
        group.AllReduce(vote, ReduceOp.Max);
        return vote.ToArray<float>()[0] > 0;
    }
}
