using DynDet.Config;

namespace DynDet.TestSupport;

/// <summary>Typed access to a loaded config's model section in tests.</summary>
public static class ModelConfigExtensions
{
    /// <summary>The model as a two-stage config (fails the test when it is another type).</summary>
    public static TwoStageModelConfig AsTwoStage(this ModelConfig model) =>
        model as TwoStageModelConfig ?? throw new InvalidOperationException($"model.type is {model?.Type}, not faster_rcnn");
}
