using DynDet.Data;
using DynDet.Data.Images;

namespace DynDet.Tests.Training;

/// <summary>A dataset whose images load until the given number of loads, then fail as a corrupt file found late would.</summary>
internal sealed class FailingDataset(IDetectionDataset inner, int failingLoad) : IDetectionDataset
{
    private int _loads;

    public string Description => inner.Description;

    public int Count => inner.Count;

    public IReadOnlyList<string> CategoryNames => inner.CategoryNames;

    public IReadOnlyList<long> CategoryIds => inner.CategoryIds;

    public DetectionRecord GetRecord(int index) => inner.GetRecord(index);

    public RgbImage LoadImage(int index) => Interlocked.Increment(ref _loads) == failingLoad
        ? throw new InputException($"image {index}: corrupt (injected)")
        : inner.LoadImage(index);
}
