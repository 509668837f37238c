namespace DynDet.Torch.Optim;

/// <summary>How the learning rate ramps up during warm-up (MMCV's <c>warmup</c> option).</summary>
public enum WarmupKind
{
    /// <summary>No warm-up.</summary>
    None,

    /// <summary>Factor <c>1 − (1 − ratio)(1 − it / iters)</c>, from <c>ratio</c> to 1.</summary>
    Linear,

    /// <summary>Factor <c>ratio</c> throughout the warm-up.</summary>
    Constant,
}
