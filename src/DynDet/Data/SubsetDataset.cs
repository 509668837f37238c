using DynDet.Data.Images;

namespace DynDet.Data;

/// <summary>Some images of another dataset, in a given order (indices into it); categories are the same.</summary>
public sealed class SubsetDataset : IDetectionDataset
{
    private readonly int[] _indices;

    /// <summary>Creates the subset of <paramref name="inner"/> made of <paramref name="indices"/> (each in range).</summary>
    public SubsetDataset(IDetectionDataset inner, IEnumerable<int> indices, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(indices);
        Inner = inner;
        _indices = [.. indices];
        foreach (int i in _indices)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(i);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, inner.Count);
        }

        Description = description ?? $"{inner.Description} [{_indices.Length} of {inner.Count} images]";
    }

    /// <summary>
    /// The images MMDetection trains on (its <c>filter_empty_gt</c> and <c>_filter_imgs(min_size=32)</c>): those with at
    /// least one object (crowd and difficult included, as MMDetection counts them) whose shorter side is at least
    /// <paramref name="minSize"/> pixels.
    /// </summary>
    public static SubsetDataset ForTraining(IDetectionDataset dataset, int minSize = 32)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var keep = new List<int>(dataset.Count);
        for (int i = 0; i < dataset.Count; i++)
        {
            DetectionRecord r = dataset.GetRecord(i);
            if (r.Objects.Count > 0 && Math.Min(r.Width, r.Height) >= minSize)
            {
                keep.Add(i);
            }
        }

        return new SubsetDataset(dataset, keep);
    }

    /// <summary>The dataset the subset draws from.</summary>
    public IDetectionDataset Inner { get; }

    /// <summary>Index in <see cref="Inner"/> of each image of the subset.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public int Count => _indices.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> CategoryNames => Inner.CategoryNames;

    /// <inheritdoc/>
    public IReadOnlyList<long> CategoryIds => Inner.CategoryIds;

    /// <inheritdoc/>
    public DetectionRecord GetRecord(int index) => Inner.GetRecord(_indices[index]);

    /// <inheritdoc/>
    public RgbImage LoadImage(int index) => Inner.LoadImage(_indices[index]);
}
