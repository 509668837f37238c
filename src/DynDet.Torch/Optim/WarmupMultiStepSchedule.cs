namespace DynDet.Torch.Optim;

/// <summary>
/// MMDetection's learning-rate policy: multi-step decay (×<see cref="Gamma"/> at each step iteration) with a
/// warm-up factor applied on top during the first <see cref="WarmupIterations"/> iterations, as MMCV's
/// <c>StepLrUpdaterHook</c> with iteration-based warm-up.
/// </summary>
/// <param name="steps">Iterations at which the rate is multiplied by <paramref name="gamma"/> (e.g. epochs 8 and 11 in iterations).</param>
/// <param name="gamma">Decay factor (default 0.1).</param>
/// <param name="warmup">Warm-up kind (default linear).</param>
/// <param name="warmupIterations">Warm-up length in iterations (default 500).</param>
/// <param name="warmupRatio">Starting factor of the warm-up (default 0.001).</param>
public sealed class WarmupMultiStepSchedule(
    IReadOnlyList<long> steps,
    double gamma = 0.1,
    WarmupKind warmup = WarmupKind.Linear,
    long warmupIterations = 500,
    double warmupRatio = 0.001)
{
    /// <summary>Decay iterations, ascending.</summary>
    public IReadOnlyList<long> Steps { get; } = (steps ?? throw new ArgumentNullException(nameof(steps))).Order().ToArray();

    /// <summary>Decay factor.</summary>
    public double Gamma { get; } = gamma;

    /// <summary>Warm-up kind.</summary>
    public WarmupKind Warmup { get; } = warmup;

    /// <summary>Warm-up length.</summary>
    public long WarmupIterations { get; } = warmupIterations;

    /// <summary>Starting factor of the warm-up.</summary>
    public double WarmupRatio { get; } = warmupRatio;

    /// <summary>The factor on the base learning rate at iteration <paramref name="iteration"/> (0-based).</summary>
    public double Factor(long iteration)
    {
        double factor = 1;
        foreach (long step in Steps)
        {
            if (iteration >= step)
            {
                factor *= Gamma;
            }
        }

        if (Warmup != WarmupKind.None && iteration < WarmupIterations)
        {
            factor *= Warmup == WarmupKind.Constant
                ? WarmupRatio
                : 1 - (1 - WarmupRatio) * (1 - (double)iteration / WarmupIterations);
        }

        return factor;
    }

    /// <summary>Sets every group's rate for <paramref name="iteration"/>: its initial rate × <see cref="Factor"/>.</summary>
    public void Apply(Sgd optimizer, long iteration)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double factor = Factor(iteration);
        foreach (var group in optimizer.Groups)
        {
            group.LearningRate = group.InitialLearningRate * factor;
        }
    }
}
