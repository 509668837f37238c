using DynDet.Config;
using DynDet.Data;
using DynDet.Models.Detectors;

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

    /// <summary>
    /// Continue from <c>latest.pth</c> in <see cref="OutputDirectory"/>. Refused (an <see cref="InputException"/>
    /// saying what changed) when the class list, the training data or the config differ from the checkpoint's
    /// (<see cref="ResumeCheck"/>), unless <see cref="ForceResume"/>.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>With <see cref="Resume"/>: resume even when the checkpoint's classes, data or config differ, printing what differs (default false).</summary>
    public bool ForceResume { get; init; }

    /// <summary>Where progress lines go (default standard error).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Show the in-place progress line (default true; tests turn it off).</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>
    /// Test hook, not reachable from configs or the command line: called after each step's backward pass with the
    /// model and the number of the iteration being done (1-based), before the gradients are checked and applied.
    /// </summary>
    internal Action<DetectionModel, long>? AfterBackward { get; init; }
}
