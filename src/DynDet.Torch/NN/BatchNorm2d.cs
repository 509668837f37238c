namespace DynDet.Torch.NN;

/// <summary>
/// Batch normalisation over channels of NCHW input, as <c>torch.nn.BatchNorm2d</c>: parameters <c>weight</c>
/// (1) and <c>bias</c> (0); buffers <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>. In training
/// mode batch statistics normalise and the running ones are updated with <see cref="Momentum"/>; in evaluation
/// mode the running ones are used.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numFeatures">Channels (≥ 1).</param>
    /// <param name="eps">Added to the variance (default 1e-5).</param>
    /// <param name="momentum">Running-statistics update rate (default 0.1).</param>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Weight = RegisterParameter("weight", Tensor.Ones([numFeatures]));
        Bias = RegisterParameter("bias", Tensor.Zeros([numFeatures]));
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], ScalarType.Int64));
    }

    /// <summary>Channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Running-statistics update rate.</summary>
    public double Momentum { get; }

    /// <summary>Scale γ.</summary>
    public Tensor Weight { get; }

    /// <summary>Shift β.</summary>
    public Tensor Bias { get; }

    /// <summary>Running mean.</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running variance.</summary>
    public Tensor RunningVar { get; }

    /// <summary>Number of training batches seen.</summary>
    public Tensor NumBatchesTracked { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (IsTraining)
        {
            NumBatchesTracked.Add_(1);
        }

        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, IsTraining, Momentum, Eps);
    }
}
