using DynDet.Config;

namespace DynDet.Training;

/// <summary>What a checkpoint says about its model: the config, the class names and the iterations done.</summary>
/// <param name="Config">The config the model was built from.</param>
/// <param name="ClassNames">The C class names, by label.</param>
/// <param name="Iteration">Training iterations done when it was written.</param>
public sealed record CheckpointInfo(DetectorConfig Config, IReadOnlyList<string> ClassNames, long Iteration);
