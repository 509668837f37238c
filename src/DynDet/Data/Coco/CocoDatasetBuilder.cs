namespace DynDet.Data.Coco;

/// <summary>
/// Builds ground truth in memory (for evaluating without files): images plus boxes with contiguous labels and crowd
/// flags. Annotation ids are 1, 2, 3, … in the order objects are added.
/// </summary>
/// <example>
/// <code>
/// var gt = new CocoDatasetBuilder(["cat", "dog"]);          // category ids 1, 2 ↔ labels 0, 1
/// gt.AddImage(7, "a.jpg", 640, 480);
/// gt.AddObject(7, label: 1, new CocoBox(10, 20, 30, 40));
/// CocoDataset dataset = gt.Build();
/// </code>
/// </example>
public sealed class CocoDatasetBuilder
{
    private readonly List<CocoCategory> _categories;
    private readonly List<CocoImage> _images = [];
    private readonly List<CocoAnnotation> _annotations = [];

    /// <summary>Starts a dataset with the given categories (distinct ids).</summary>
    /// <exception cref="ArgumentException">A category id appears twice.</exception>
    public CocoDatasetBuilder(IEnumerable<CocoCategory> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        _categories = [.. categories];
        Labels = new CocoLabelMap(_categories.ConvertAll(c => c.Id));
    }

    /// <summary>Starts a dataset whose categories are <paramref name="classNames"/> with ids 1..C (label = id − 1).</summary>
    public CocoDatasetBuilder(IReadOnlyList<string> classNames)
        : this(Categories(classNames))
    {
    }

    /// <summary>The contiguous labels of the categories (sorted ids ↔ 0..C−1).</summary>
    public CocoLabelMap Labels { get; }

    /// <summary>Adds an image (its id must be new; checked by <see cref="Build"/>).</summary>
    public CocoDatasetBuilder AddImage(long id, string? fileName = null, int? width = null, int? height = null)
    {
        _images.Add(new CocoImage(id, fileName, width, height));
        return this;
    }

    /// <summary>Adds one object and returns its annotation id.</summary>
    /// <param name="imageId">Its image (added before or after; checked by <see cref="Build"/>).</param>
    /// <param name="label">Its contiguous label, 0..C−1.</param>
    /// <param name="box">Its box, <c>[x, y, w, h]</c>.</param>
    /// <param name="isCrowd">Whether it is a crowd region (default false).</param>
    /// <param name="area">Its area for the COCO size ranges; default <c>w · h</c>.</param>
    public long AddObject(long imageId, int label, CocoBox box, bool isCrowd = false, double? area = null)
    {
        long id = _annotations.Count + 1;
        _annotations.Add(new CocoAnnotation(id, imageId, Labels.CategoryIdOf(label), box, area ?? box.Area, isCrowd));
        return id;
    }

    /// <summary>
    /// Adds the objects of one image given as corner boxes <c>[x1, y1, x2, y2]</c> (4 numbers each), contiguous labels
    /// and optional crowd flags (empty = none is a crowd).
    /// </summary>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    public CocoDatasetBuilder AddObjects(
        long imageId, ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<int> labels, ReadOnlySpan<bool> isCrowd = default)
    {
        if (boxesXyxy.Length != 4 * labels.Length || (isCrowd.Length != 0 && isCrowd.Length != labels.Length))
        {
            throw new ArgumentException(
                $"{labels.Length} labels need {4 * labels.Length} box numbers and as many crowd flags (or none); "
                + $"got {boxesXyxy.Length} and {isCrowd.Length}");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            var box = CocoBox.FromCorners(boxesXyxy[4 * i], boxesXyxy[4 * i + 1], boxesXyxy[4 * i + 2], boxesXyxy[4 * i + 3]);
            AddObject(imageId, labels[i], box, isCrowd.Length != 0 && isCrowd[i]);
        }

        return this;
    }

    /// <summary>Validates and returns the dataset.</summary>
    /// <param name="source">Names it in messages; default <c>&lt;memory&gt;</c>.</param>
    /// <exception cref="InputException">Something added is invalid (see <see cref="CocoDataset.Create"/>).</exception>
    public CocoDataset Build(string source = "<memory>") => CocoDataset.Create(_images, _annotations, _categories, source);

    private static List<CocoCategory> Categories(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        var categories = new List<CocoCategory>(classNames.Count);
        for (int i = 0; i < classNames.Count; i++)
        {
            categories.Add(new CocoCategory(i + 1, classNames[i]));
        }

        return categories;
    }
}
