namespace DynDet.Dynamic;

/// <summary>How <see cref="DynamicSmoothL1"/> takes the median of its history.</summary>
public enum MedianRule
{
    /// <summary>numpy's median: the mean of the two middle values for an even count (MMDetection).</summary>
    Numpy,

    /// <summary>The upper-middle value, <c>sorted[n / 2]</c> (the original repository and mmdet-v1.1 port).</summary>
    UpperMiddle,
}
