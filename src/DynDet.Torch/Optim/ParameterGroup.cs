namespace DynDet.Torch.Optim;

/// <summary>
/// Parameters that share optimizer settings, as a PyTorch param group (e.g. norms and biases without weight
/// decay). <see cref="LearningRate"/> is what the next step uses; schedules set it from
/// <see cref="InitialLearningRate"/>.
/// </summary>
public sealed class ParameterGroup
{
    /// <summary>Creates a group.</summary>
    /// <param name="parameters">The tensors to update (leaves that require grad).</param>
    /// <param name="learningRate">Learning rate (&gt; 0).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (default 0).</param>
    /// <param name="name">A label for logs (default "default").</param>
    public ParameterGroup(IEnumerable<Tensor> parameters, double learningRate, double weightDecay = 0,
        string name = "default")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        Parameters = parameters.ToArray();
        LearningRate = learningRate;
        InitialLearningRate = learningRate;
        WeightDecay = weightDecay;
        Name = name;
    }

    /// <summary>The tensors this group updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Learning rate of the next step.</summary>
    public double LearningRate { get; set; }

    /// <summary>The learning rate the group was created with (the base a schedule scales).</summary>
    public double InitialLearningRate { get; }

    /// <summary>L2 penalty coefficient.</summary>
    public double WeightDecay { get; set; }

    /// <summary>A label for logs.</summary>
    public string Name { get; }
}
