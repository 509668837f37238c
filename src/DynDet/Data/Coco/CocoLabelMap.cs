namespace DynDet.Data.Coco;

/// <summary>
/// The contiguous labels a detector trains on: the category ids sorted ascending are labels 0..C−1
/// (the mapping of MMDetection's <c>cat2label</c> and torchvision's reference scripts without background).
/// </summary>
public sealed class CocoLabelMap
{
    private readonly int[] _categoryIds;
    private readonly Dictionary<int, int> _labels;

    /// <summary>Creates the map of the given category ids (distinct; any order).</summary>
    /// <exception cref="ArgumentException">An id appears twice.</exception>
    public CocoLabelMap(IEnumerable<int> categoryIds)
    {
        ArgumentNullException.ThrowIfNull(categoryIds);
        _categoryIds = [.. categoryIds];
        Array.Sort(_categoryIds);
        _labels = new Dictionary<int, int>(_categoryIds.Length);
        for (int label = 0; label < _categoryIds.Length; label++)
        {
            if (!_labels.TryAdd(_categoryIds[label], label))
            {
                throw new ArgumentException($"category id {_categoryIds[label]} appears twice", nameof(categoryIds));
            }
        }
    }

    /// <summary>The number of labels C.</summary>
    public int Count => _categoryIds.Length;

    /// <summary>The category ids, ascending: entry <c>l</c> is the category of label <c>l</c>.</summary>
    public IReadOnlyList<int> CategoryIds => _categoryIds;

    /// <summary>The label (0..C−1) of a category id.</summary>
    /// <exception cref="KeyNotFoundException">The id is not one of the map's categories.</exception>
    public int LabelOf(int categoryId) =>
        _labels.TryGetValue(categoryId, out int label)
            ? label
            : throw new KeyNotFoundException($"category id {categoryId} is not in the label map");

    /// <summary>The label of a category id, or false when the id is not one of the map's categories.</summary>
    public bool TryGetLabel(int categoryId, out int label) => _labels.TryGetValue(categoryId, out label);

    /// <summary>The category id of a label (0..C−1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The label is outside 0..C−1.</exception>
    public int CategoryIdOf(int label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, _categoryIds.Length);
        return _categoryIds[label];
    }
}
