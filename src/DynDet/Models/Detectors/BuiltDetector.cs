using DynDet.Dynamic;

namespace DynDet.Models.Detectors;

/// <summary>
/// A detector and the dynamic strategies wired into it (none for a static detector), as
/// <see cref="DetectorFactory.Build"/> makes them. The trainer owns both; disposing this disposes both.
/// </summary>
/// <param name="Model">The network.</param>
/// <param name="Strategies">The strategies steering it, in the order they are observed and updated.</param>
public sealed record BuiltDetector(DetectionModel Model, IReadOnlyList<ITrainingStrategy> Strategies) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var strategy in Strategies.OfType<IDisposable>())
        {
            strategy.Dispose();
        }

        Model.Dispose();
    }
}
