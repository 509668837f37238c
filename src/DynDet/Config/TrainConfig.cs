using DynDet.Torch.Optim;

namespace DynDet.Config;

/// <summary>The optimisation schedule (SPEC §2.1: SGD 0.02 for 16 images, warm-up, steps).</summary>
public sealed record TrainConfig
{
    /// <summary>Training length in iterations (takes precedence over <see cref="MaxEpochs"/>).</summary>
    public int? MaxIters { get; init; }

    /// <summary>Training length in epochs of the training set (12 for a 1x schedule).</summary>
    public int? MaxEpochs { get; init; } = 12;

    /// <summary>Decay iterations (used with <see cref="MaxIters"/>).</summary>
    public IReadOnlyList<int> Steps { get; init; } = [];

    /// <summary>Decay epochs (used with <see cref="MaxEpochs"/>; [8, 11]).</summary>
    public IReadOnlyList<int> StepEpochs { get; init; } = [8, 11];

    /// <summary>Decay factor (0.1).</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Learning rate for <see cref="LrBaseBatch"/> images per iteration (0.02).</summary>
    public double Lr { get; init; } = 0.02;

    /// <summary>Batch size <see cref="Lr"/> is given for; the rate is scaled linearly to the real batch (16). 0 disables scaling.</summary>
    public int LrBaseBatch { get; init; } = 16;

    /// <summary>SGD momentum (0.9).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay (1e-4).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Apply weight decay to norm layers and biases too (true, as MMDetection's Faster R-CNN).</summary>
    public bool DecayNormAndBias { get; init; } = true;

    /// <summary>Warm-up kind (linear).</summary>
    public WarmupKind Warmup { get; init; } = WarmupKind.Linear;

    /// <summary>Warm-up iterations (500).</summary>
    public int WarmupIters { get; init; } = 500;

    /// <summary>Warm-up starting factor (0.001).</summary>
    public double WarmupRatio { get; init; } = 0.001;

    /// <summary>Gradient-norm clipping threshold, or null for none.</summary>
    public double? GradClip { get; init; }

    /// <summary>
    /// Iterations between checkpoints (0, the default: none by count). <c>latest.pth</c> is also written every
    /// <see cref="CheckpointMinutes"/>, after every evaluation, at the end, on Ctrl-C/SIGTERM and on any failure
    /// other than divergence.
    /// </summary>
    public int CheckpointInterval { get; init; }

    /// <summary>
    /// Minutes of training between time-based checkpoints of <c>latest.pth</c> (10; 0 turns them off; at least 0,
    /// a whole or fractional number). Checked after each step, so a step longer than this saves after every step.
    /// </summary>
    public double CheckpointMinutes { get; init; } = 10;

    /// <summary>Iterations between validations (0: only at the end).</summary>
    public int EvalInterval { get; init; }

    /// <summary>Iterations between progress lines (20).</summary>
    public int LogInterval { get; init; } = 20;

    /// <summary>Random seed (0).</summary>
    public int Seed { get; init; }

    /// <summary>Intra-op threads (0: the process default; the dyndet command uses every logical CPU).</summary>
    public int Threads { get; init; }
}
