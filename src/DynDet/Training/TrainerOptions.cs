using DynDet.Config;
using DynDet.Data;
using DynDet.Models.Detectors;
using DynDet.Torch.Distributed;

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

    /// <summary>
    /// The process group of a data-parallel run (default null: a single process); the caller owns it. Each rank trains
    /// on its shard of every epoch (<see cref="LoaderOptions.Rank"/>) with <c>data.images_per_batch</c> images, so the
    /// global batch is that times the world size (the learning rate is scaled to it by <c>train.lr_base_batch</c>);
    /// rank 0's weights and buffers are broadcast at the start; gradients are averaged in buckets and the dynamic
    /// strategies' statistics combined before their updates, so every rank holds the same state; only rank 0 logs,
    /// writes <c>metrics.json</c>, the report and checkpoints, and evaluates, while the others wait for it at the next
    /// collective (<see cref="ProcessGroup.Timeout"/> must cover an evaluation); the ranks agree after every step on
    /// stopping. With <see cref="Resume"/> every rank reads <c>latest.pth</c> from <see cref="OutputDirectory"/> (on
    /// several machines it must be on a shared file system), whatever the world size that wrote it.
    /// </summary>
    public ProcessGroup? ProcessGroup { get; init; }

    /// <summary>Where progress lines go (default standard error; nowhere on ranks other than 0).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Show the in-place progress line (default true; tests turn it off).</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>
    /// Test hook, not reachable from configs or the command line: called after each step's backward pass with the
    /// model and the number of the iteration being done (1-based), before the gradients are checked and applied.
    /// </summary>
    internal Action<DetectionModel, long>? AfterBackward { get; init; }
}
