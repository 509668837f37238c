namespace DynDet.Data.Coco;

/// <summary>
/// A COCO annotation file held in memory: images, box annotations and categories, validated and indexed.
/// Read one with <see cref="CocoJsonReader.ReadDataset"/>, build one with <see cref="CocoDatasetBuilder"/> or
/// <see cref="Create"/>, write one with <see cref="CocoJsonWriter.WriteDataset(CocoDataset, string)"/>.
/// </summary>
/// <remarks>
/// Lists keep the order of the file. Invalid content (duplicate ids, an annotation whose image or category does not
/// exist, a non-finite or negative-size box, a negative or non-finite area) is refused with an
/// <see cref="InputException"/> that names the source and the record, e.g.
/// <c>gt.json: annotations[17] (id 345): category_id 99 is not in categories</c>. Boxes of zero width or height are
/// accepted, as pycocotools accepts them.
/// </remarks>
public sealed class CocoDataset
{
    private readonly CocoImage[] _images;
    private readonly CocoAnnotation[] _annotations;
    private readonly CocoCategory[] _categories;
    private readonly Dictionary<long, int> _imageIndex;
    private readonly Dictionary<int, int> _categoryIndex;
    private readonly int[] _imageAnnotationStarts;
    private readonly CocoAnnotation[] _annotationsByImage;

    private CocoDataset(
        string source, CocoImage[] images, CocoAnnotation[] annotations, CocoCategory[] categories,
        Dictionary<long, int> imageIndex, Dictionary<int, int> categoryIndex, List<string> warnings)
    {
        Source = source;
        _images = images;
        _annotations = annotations;
        _categories = categories;
        _imageIndex = imageIndex;
        _categoryIndex = categoryIndex;
        Warnings = warnings;
        Labels = new CocoLabelMap(Array.ConvertAll(categories, c => c.Id));

        // Annotations grouped by image (file order inside each image), as pycocotools' imgToAnns.
        _imageAnnotationStarts = new int[images.Length + 1];
        foreach (var a in annotations)
        {
            _imageAnnotationStarts[imageIndex[a.ImageId] + 1]++;
        }

        for (int i = 0; i < images.Length; i++)
        {
            _imageAnnotationStarts[i + 1] += _imageAnnotationStarts[i];
        }

        _annotationsByImage = new CocoAnnotation[annotations.Length];
        int[] fill = _imageAnnotationStarts[..^1];
        foreach (var a in annotations)
        {
            _annotationsByImage[fill[imageIndex[a.ImageId]]++] = a;
        }
    }

    /// <summary>Where the data came from (a file path, or <c>&lt;memory&gt;</c>); error messages start with it.</summary>
    public string Source { get; }

    /// <summary>The images, in file order.</summary>
    public IReadOnlyList<CocoImage> Images => _images;

    /// <summary>The annotations, in file order.</summary>
    public IReadOnlyList<CocoAnnotation> Annotations => _annotations;

    /// <summary>The categories, in file order.</summary>
    public IReadOnlyList<CocoCategory> Categories => _categories;

    /// <summary>The contiguous labels: sorted category ids ↔ 0..C−1.</summary>
    public CocoLabelMap Labels { get; }

    /// <summary>
    /// Things that are valid but probably not what the author meant (e.g. an annotation id 0, which pycocotools
    /// never counts as matched), one line each, starting with <see cref="Source"/>. The command line prints them.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Validates and indexes the given records. Records are named in errors by their position in each sequence,
    /// e.g. <c>annotations[17]</c>.
    /// </summary>
    /// <param name="images">The images (distinct ids; width and height &gt; 0 when given).</param>
    /// <param name="annotations">The annotations (distinct ids; images and categories that exist; valid boxes).</param>
    /// <param name="categories">The categories (distinct ids).</param>
    /// <param name="source">Where the data came from, for messages; default <c>&lt;memory&gt;</c>.</param>
    /// <exception cref="InputException">A record is invalid.</exception>
    public static CocoDataset Create(
        IEnumerable<CocoImage> images, IEnumerable<CocoAnnotation> annotations, IEnumerable<CocoCategory> categories,
        string source = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(source);
        CocoImage[] imageArray = [.. images];
        CocoAnnotation[] annotationArray = [.. annotations];
        CocoCategory[] categoryArray = [.. categories];
        var warnings = new List<string>();

        var imageIndex = new Dictionary<long, int>(imageArray.Length);
        for (int i = 0; i < imageArray.Length; i++)
        {
            var image = imageArray[i] ?? throw new InputException($"{source}: images[{i}] is null");
            if (!imageIndex.TryAdd(image.Id, i))
            {
                throw new InputException(
                    $"{source}: images[{i}]: image id {image.Id} is used twice (also images[{imageIndex[image.Id]}])");
            }

            if (image.Width is <= 0 || image.Height is <= 0)
            {
                throw new InputException(
                    $"{source}: images[{i}] (id {image.Id}): width and height must be positive, not {image.Width}x{image.Height}");
            }
        }

        var categoryIndex = new Dictionary<int, int>(categoryArray.Length);
        for (int i = 0; i < categoryArray.Length; i++)
        {
            var category = categoryArray[i] ?? throw new InputException($"{source}: categories[{i}] is null");
            if (category.Name is null)
            {
                throw new InputException($"{source}: categories[{i}] (id {category.Id}): name is null");
            }

            if (!categoryIndex.TryAdd(category.Id, i))
            {
                throw new InputException(
                    $"{source}: categories[{i}]: category id {category.Id} is used twice (also categories[{categoryIndex[category.Id]}])");
            }
        }

        var annotationIndex = new Dictionary<long, int>(annotationArray.Length);
        int zeroIds = 0;
        int firstZero = -1;
        for (int i = 0; i < annotationArray.Length; i++)
        {
            var a = annotationArray[i] ?? throw new InputException($"{source}: annotations[{i}] is null");
            string where = $"{source}: annotations[{i}] (id {a.Id})";
            if (!annotationIndex.TryAdd(a.Id, i))
            {
                throw new InputException(
                    $"{where}: annotation id {a.Id} is used twice (also annotations[{annotationIndex[a.Id]}])");
            }

            if (!imageIndex.ContainsKey(a.ImageId))
            {
                throw new InputException($"{where}: image_id {a.ImageId} is not in images");
            }

            if (!categoryIndex.ContainsKey(a.CategoryId))
            {
                throw new InputException($"{where}: category_id {a.CategoryId} is not in categories");
            }

            if (a.Box.Problem() is { } problem)
            {
                throw new InputException($"{where}: {problem}");
            }

            if (!double.IsFinite(a.Area) || a.Area < 0)
            {
                throw new InputException($"{where}: area {a.Area} is not a finite non-negative number");
            }

            if (a.Id == 0)
            {
                zeroIds++;
                firstZero = firstZero < 0 ? i : firstZero;
            }
        }

        if (zeroIds > 0)
        {
            warnings.Add(
                $"{source}: {zeroIds} annotation(s) have id 0 (first: annotations[{firstZero}]); pycocotools counts a "
                + "detection matched to an annotation with id 0 as unmatched, and DynDet does the same to report the "
                + "same numbers: number annotations from 1");
        }

        return new CocoDataset(source, imageArray, annotationArray, categoryArray, imageIndex, categoryIndex, warnings);
    }

    /// <summary>The position of an image id in <see cref="Images"/>, or −1 when there is no such image.</summary>
    public int IndexOfImage(long imageId) => _imageIndex.TryGetValue(imageId, out int i) ? i : -1;

    /// <summary>The position of a category id in <see cref="Categories"/>, or −1 when there is no such category.</summary>
    public int IndexOfCategory(int categoryId) => _categoryIndex.TryGetValue(categoryId, out int i) ? i : -1;

    /// <summary>The image with the given id.</summary>
    /// <exception cref="KeyNotFoundException">There is no such image.</exception>
    public CocoImage GetImage(long imageId) =>
        _imageIndex.TryGetValue(imageId, out int i)
            ? _images[i]
            : throw new KeyNotFoundException($"{Source}: no image with id {imageId}");

    /// <summary>The category with the given id.</summary>
    /// <exception cref="KeyNotFoundException">There is no such category.</exception>
    public CocoCategory GetCategory(int categoryId) =>
        _categoryIndex.TryGetValue(categoryId, out int i)
            ? _categories[i]
            : throw new KeyNotFoundException($"{Source}: no category with id {categoryId}");

    /// <summary>The category of a contiguous label (0..C−1, see <see cref="Labels"/>).</summary>
    public CocoCategory CategoryOfLabel(int label) => _categories[_categoryIndex[Labels.CategoryIdOf(label)]];

    /// <summary>The annotations of one image, in file order (empty for an image without any).</summary>
    /// <exception cref="KeyNotFoundException">There is no such image.</exception>
    public ReadOnlySpan<CocoAnnotation> AnnotationsOfImage(long imageId)
    {
        if (!_imageIndex.TryGetValue(imageId, out int i))
        {
            throw new KeyNotFoundException($"{Source}: no image with id {imageId}");
        }

        return _annotationsByImage.AsSpan(_imageAnnotationStarts[i], _imageAnnotationStarts[i + 1] - _imageAnnotationStarts[i]);
    }
}
