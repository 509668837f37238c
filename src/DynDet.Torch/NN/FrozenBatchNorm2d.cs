namespace DynDet.Torch.NN;

/// <summary>
/// Batch normalisation with fixed statistics and affine parameters, as torchvision's
/// <c>FrozenBatchNorm2d</c>: buffers <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>; output
/// <c>x·scale + shift</c> with <c>scale = w·(var + eps)^−½</c>, <c>shift = b − mean·scale</c>. Loading ignores
/// <c>num_batches_tracked</c>, so plain BatchNorm2d weights load into it.
/// </summary>
public sealed class FrozenBatchNorm2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with identity statistics.</summary>
    /// <param name="numFeatures">Channels (≥ 1).</param>
    /// <param name="eps">Added to the variance (default 1e-5, torchvision's).</param>
    public FrozenBatchNorm2d(int numFeatures, double eps = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        NumFeatures = numFeatures;
        Eps = eps;
        Weight = RegisterBuffer("weight", Tensor.Ones([numFeatures]));
        Bias = RegisterBuffer("bias", Tensor.Zeros([numFeatures]));
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
    }

    /// <summary>Channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Scale γ (a buffer).</summary>
    public Tensor Weight { get; }

    /// <summary>Shift β (a buffer).</summary>
    public Tensor Bias { get; }

    /// <summary>Mean.</summary>
    public Tensor RunningMean { get; }

    /// <summary>Variance.</summary>
    public Tensor RunningVar { get; }

    /// <inheritdoc />
    protected override IEnumerable<string> IgnoredStateKeys() => ["num_batches_tracked"];

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = Engine.NewDisposeScope();
        // Same arithmetic, in the same order, as torchvision's FrozenBatchNorm2d.forward.
        var scale = Weight * (RunningVar + Eps).Rsqrt();
        var shift = Bias - RunningMean * scale;
        var result = input * scale.View(1, -1, 1, 1) + shift.View(1, -1, 1, 1);
        return scope.MoveToOuter(result);
    }
}
