namespace DynDet.Torch.Distributed;

/// <summary>How <see cref="ProcessGroup.AllReduce"/> combines the ranks' tensors (values are the native codes).</summary>
public enum ReduceOp
{
    /// <summary>Element-wise sum.</summary>
    Sum = 0,

    /// <summary>Element-wise maximum.</summary>
    Max = 1,

    /// <summary>Element-wise minimum.</summary>
    Min = 2,
}
