using DynDet.Config;
using DynDet.Data;
using DynDet.Dynamic;
using DynDet.Models;
using DynDet.Models.Detectors;

namespace DynDet.TestSupport;

/// <summary>Detectors built through the one factory, and their loss outside a training step, for tests.</summary>
public static class TestDetectors
{
    /// <summary>The two-stage detector of <paramref name="config"/> (strategies, if any, not kept).</summary>
    public static TwoStageDetector TwoStage(DetectorConfig config, IReadOnlyList<string> classes) =>
        (TwoStageDetector)DetectorFactory.CreateModel(config, classes);

    /// <summary>The model's loss on <paramref name="batch"/> with a step context whose statistics are then dropped.</summary>
    public static DetectorLosses Loss(DetectionModel model, DetectionBatch batch, long iteration = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        using var statistics = new StepStatistics(batch.Count);
        return model.Loss(batch, new StepContext(iteration, statistics));
    }
}
