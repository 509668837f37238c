using DynDet.Config;
using DynDet.Data;

namespace DynDet.Training;

/// <summary>What <see cref="Trainer"/> needs for a run (CONTRACT.md <c>dyndet train</c>).</summary>
public sealed record TrainerOptions
{
    /// <summary>The resolved config.</summary>
    public required DetectorConfig Config { get; init; }

    /// <summary>Training data.</summary>
    public required IDetectionDataset TrainData { get; init; }

    /// <summary>Validation data, evaluated every <see cref="TrainConfig.EvalInterval"/> iterations and at the end; optional.</summary>
    public IDetectionDataset? ValData { get; init; }

    /// <summary>Folder for checkpoints and <c>metrics.json</c> (created if needed).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Continue from <c>latest.pth</c> in <see cref="OutputDirectory"/>.</summary>
    public bool Resume { get; init; }

    /// <summary>Where progress lines go (default standard error).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Show the in-place progress line (default true; tests turn it off).</summary>
    public bool ShowProgress { get; init; } = true;
}
