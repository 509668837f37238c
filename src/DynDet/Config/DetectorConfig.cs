namespace DynDet.Config;

/// <summary>
/// Everything a training run needs: model, data and schedule. Loaded by <see cref="ConfigLoader"/> from a
/// named preset or a JSON file (snake_case keys), with dotted <c>KEY=VALUE</c> overrides. Defaults are
/// MMDetection's <c>faster_rcnn_r50_fpn_1x_coco</c>.
/// </summary>
public sealed record DetectorConfig
{
    /// <summary>The preset or file this came from (for logs).</summary>
    public string Name { get; init; } = "faster_rcnn_r50_fpn_1x";

    /// <summary>
    /// Whole-detector weights to start training from (MMDetection's <c>load_from</c>; default none): an MMDetection
    /// model-zoo checkpoint, a DynDet checkpoint or a torchvision detection <c>state_dict</c>, loaded by name;
    /// what does not match is reported by name, and classifier layers of another class count stay freshly initialised.
    /// </summary>
    public string? LoadFrom { get; init; }

    /// <summary>The detector.</summary>
    public ModelConfig Model { get; init; } = new TwoStageModelConfig();

    /// <summary>Data loading and augmentation.</summary>
    public DataConfig Data { get; init; } = new();

    /// <summary>Optimisation schedule.</summary>
    public TrainConfig Train { get; init; } = new();
}
