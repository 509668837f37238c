using DynDet.Torch.Optim;

namespace DynDet.Config;

/// <summary>The optimisation schedule (SPEC §2.1: SGD 0.02 for 16 images, warm-up, steps).</summary>
public sealed record TrainConfig
{
    /// <summary>
    /// Training length in iterations (default null; takes precedence over <see cref="MaxEpochs"/>; &gt;= 1; this or
    /// <see cref="MaxEpochs"/> must be set).
    /// </summary>
    [ConfigRange(1)]
    public int? MaxIters { get; init; }

    /// <summary>Training length in epochs of the training set (default 12, a 1x schedule; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int? MaxEpochs { get; init; } = 12;

    /// <summary>
    /// Decay iterations (used with <see cref="MaxIters"/>; default []; each &gt;= 1, increasing). Steps beyond
    /// <see cref="MaxIters"/> are allowed and never reached, so a preset's schedule survives a shorter
    /// <c>--max-iters</c> and a run cut short and resumed with more iterations keeps its steps.
    /// </summary>
    [ConfigRange(1)]
    public IReadOnlyList<int> Steps { get; init; } = [];

    /// <summary>Decay epochs (used with <see cref="MaxEpochs"/>; default [8, 11]; each &gt;= 1, increasing).</summary>
    [ConfigRange(1)]
    public IReadOnlyList<int> StepEpochs { get; init; } = [8, 11];

    /// <summary>Decay factor at each step (default 0.1; in (0, 1]).</summary>
    [ConfigRange(0, 1, MinExclusive = true)]
    public double Gamma { get; init; } = 0.1;

    /// <summary>Learning rate for <see cref="LrBaseBatch"/> images per iteration (default 0.02; &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true)]
    public double Lr { get; init; } = 0.02;

    /// <summary>
    /// Batch size <see cref="Lr"/> is given for; the rate is scaled linearly to the real batch, which in a
    /// data-parallel run is the global one (data.images_per_batch × processes), as MMDetection's auto_scale_lr
    /// (default 16; 0 disables scaling; &gt;= 0).
    /// </summary>
    [ConfigRange(0)]
    public int LrBaseBatch { get; init; } = 16;

    /// <summary>SGD momentum (default 0.9; in [0, 1)).</summary>
    [ConfigRange(0, 1, MaxExclusive = true)]
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay (default 1e-4; &gt;= 0).</summary>
    [ConfigRange(0)]
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Apply weight decay to norm layers and biases too (default true, as MMDetection's Faster R-CNN).</summary>
    public bool DecayNormAndBias { get; init; } = true;

    /// <summary>Warm-up kind: <c>none</c>, <c>linear</c> (default) or <c>constant</c>.</summary>
    public WarmupKind Warmup { get; init; } = WarmupKind.Linear;

    /// <summary>Warm-up iterations (default 500; &gt;= 0).</summary>
    [ConfigRange(0)]
    public int WarmupIters { get; init; } = 500;

    /// <summary>Warm-up starting factor (default 0.001; in (0, 1]).</summary>
    [ConfigRange(0, 1, MinExclusive = true)]
    public double WarmupRatio { get; init; } = 0.001;

    /// <summary>Gradient-norm clipping threshold (default null: none; &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true)]
    public double? GradClip { get; init; }

    /// <summary>
    /// Iterations between checkpoints (default 0: none by count; &gt;= 0). <c>latest.pth</c> is also written every
    /// <see cref="CheckpointMinutes"/>, after every evaluation, at the end, on Ctrl-C/SIGTERM and on any failure
    /// other than divergence.
    /// </summary>
    [ConfigRange(0)]
    public int CheckpointInterval { get; init; }

    /// <summary>
    /// Minutes of training between time-based checkpoints of <c>latest.pth</c> (default 10; 0 turns them off;
    /// &gt;= 0, a whole or fractional number). Checked after each step, so a step longer than this saves after every
    /// step.
    /// </summary>
    [ConfigRange(0)]
    public double CheckpointMinutes { get; init; } = 10;

    /// <summary>Iterations between validations (default 0: only at the end; &gt;= 0).</summary>
    [ConfigRange(0)]
    public int EvalInterval { get; init; }

    /// <summary>Iterations between progress lines (default 20; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int LogInterval { get; init; } = 20;

    /// <summary>Random seed (default 0; &gt;= 0).</summary>
    [ConfigRange(0)]
    public int Seed { get; init; }

    /// <summary>Intra-op threads (default 0: the process default; the dyndet command uses every logical CPU; in [0, 1024]).</summary>
    [ConfigRange(0, 1024)]
    public int Threads { get; init; }
}
