namespace DynDet.Torch.NN;

/// <summary>Which kernel <see cref="Functional.RoiAlign"/> runs; both give bit-identical results on CPU.</summary>
public enum RoiAlignImplementation
{
    /// <summary>
    /// DynDet's kernel (native shim): torchvision 0.14's arithmetic, multi-threaded on CPU (forward over channel
    /// chunks, backward without atomics); non-CPU inputs go to torchvision's kernel.
    /// </summary>
    Native = 0,

    /// <summary>torchvision's <c>roi_align</c> op (single-threaded on CPU), loaded from python3-torchvision.</summary>
    TorchVision = 1,
}
