using DynDet.Config;
using DynDet.Data;
using DynDet.Models.RoIHeads;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Detectors;

/// <summary>
/// What every DynDet detector is to the rest of the framework (trainer, checkpoints, inference, the
/// <see cref="Detector"/> API, the benchmark): a module with a config and class names that computes its loss terms
/// on a training batch and its detections on an inference batch. <see cref="TwoStageDetector"/> (Faster R-CNN,
/// Dynamic R-CNN) is one; one-stage detectors are the other family. Built by <see cref="DetectorFactory"/>.
/// </summary>
public abstract class DetectionModel : Module
{
    /// <summary>Records the config and the C foreground class names (at least one).</summary>
    protected DetectionModel(DetectorConfig config, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0)
        {
            throw new InputException("a detector needs at least one class");
        }

        Config = config;
        ClassNames = classNames.ToArray();
    }

    /// <summary>The configuration it was built from.</summary>
    public DetectorConfig Config { get; }

    /// <summary>Names of the C foreground classes, by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The backbone: images to feature maps, finest first (state-dict prefix <c>backbone.</c>; pretrained weights load into it).</summary>
    public abstract Module<Tensor, Tensor[]> Backbone { get; }

    /// <summary>
    /// Loss terms of a training batch (call in training mode), by MMDetection's names; the heads publish their
    /// statistics into <paramref name="context"/>'s <see cref="StepContext.Statistics"/>.
    /// </summary>
    public abstract DetectorLosses Loss(DetectionBatch batch, StepContext context);

    /// <summary>Detections of every image of the batch, in original-image pixels (call in evaluation mode).</summary>
    public abstract IReadOnlyList<ImageDetections> Predict(DetectionBatch batch);
}
