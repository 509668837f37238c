using DynDet.Data.Images;

namespace DynDet.Data.Coco;

/// <summary>
/// A COCO annotation file as an <see cref="IDetectionDataset"/>: images in file order (ids kept), labels the
/// contiguous map of <see cref="CocoDataset.Labels"/> (sorted category ids ↔ 0..C−1), image files under an images
/// folder (default: the JSON's folder; <c>file_name</c> may contain sub-folders). Annotations are taken as
/// MMDetection's <c>CocoDataset</c> takes them for training: <c>ignore</c> ones are skipped, and so are boxes that
/// do not overlap their image, that are narrower or lower than 1 pixel, or whose area is not positive; crowd
/// annotations are kept as ignore regions (<see cref="BoxAnnotation.IsCrowd"/>), not targets. Boxes are
/// [x, y, x + w, y + h]. Every image file must exist when the dataset is opened; images without a size in the
/// file are measured from their headers (their size after EXIF orientation, unless that is ignored).
/// </summary>
public sealed class CocoDetectionDataset : IDetectionDataset
{
    private readonly DetectionRecord[] _records;

    /// <summary>Reads <paramref name="annotationFile"/>; images are under <paramref name="imagesFolder"/> or beside the file.</summary>
    /// <exception cref="InputException">The file is missing or invalid, an image has no <c>file_name</c>, an image file
    /// is missing, or an image without a size in the file cannot be read.</exception>
    public CocoDetectionDataset(string annotationFile, string? imagesFolder = null, ImageDecodeOptions? images = null)
        : this(CocoJsonReader.ReadDataset(annotationFile),
            imagesFolder ?? Path.GetDirectoryName(Path.GetFullPath(annotationFile)) ?? ".", images)
    {
    }

    /// <summary>Wraps an annotation model already in memory; image file names are relative to <paramref name="imagesFolder"/>.</summary>
    /// <param name="annotations">The annotation model.</param>
    /// <param name="imagesFolder">The folder image file names are relative to.</param>
    /// <param name="images">How image files are decoded; default <see cref="ImageDecodeOptions.Default"/>.</param>
    public CocoDetectionDataset(CocoDataset annotations, string imagesFolder, ImageDecodeOptions? images = null)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(imagesFolder);
        Images = images ?? ImageDecodeOptions.Default;
        Annotations = annotations;
        ImagesFolder = Path.GetFullPath(imagesFolder);
        CocoLabelMap labels = annotations.Labels;
        var names = new string[labels.Count];
        var ids = new long[labels.Count];
        for (int label = 0; label < labels.Count; label++)
        {
            names[label] = annotations.CategoryOfLabel(label).Name;
            ids[label] = labels.CategoryIdOf(label);
        }

        CategoryNames = names;
        CategoryIds = ids;
        _records = new DetectionRecord[annotations.Images.Count];
        for (int i = 0; i < _records.Length; i++)
        {
            _records[i] = MakeRecord(annotations, i);
        }
    }

    /// <summary>The annotation model.</summary>
    public CocoDataset Annotations { get; }

    /// <summary>The folder image file names are relative to.</summary>
    public string ImagesFolder { get; }

    /// <summary>How image files are decoded (pixel limit, EXIF orientation).</summary>
    public ImageDecodeOptions Images { get; }

    /// <inheritdoc/>
    public string Description => $"COCO {Annotations.Source} (images in {ImagesFolder})";

    /// <inheritdoc/>
    public int Count => _records.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> CategoryNames { get; }

    /// <inheritdoc/>
    public IReadOnlyList<long> CategoryIds { get; }

    /// <inheritdoc/>
    public DetectionRecord GetRecord(int index) => _records[index];

    /// <inheritdoc/>
    public RgbImage LoadImage(int index) => ImageCodec.LoadAnnotated(_records[index], Annotations.Source, Images);

    private DetectionRecord MakeRecord(CocoDataset annotations, int i)
    {
        CocoImage image = annotations.Images[i];
        if (string.IsNullOrEmpty(image.FileName))
        {
            throw new InputException($"{annotations.Source}: images[{i}] (id {image.Id}) has no file_name");
        }

        string path = Path.GetFullPath(Path.Combine(ImagesFolder, image.FileName));
        if (!File.Exists(path))
        {
            throw new InputException($"image {path}: file not found (images[{i}], id {image.Id}, of {annotations.Source})");
        }

        int width, height;
        if (image.Width is { } w && image.Height is { } h)
        {
            (width, height) = (w, h);
        }
        else
        {
            ImageInfo info = ImageCodec.ReadInfo(path, Images);
            (width, height) = (info.Width, info.Height);
        }

        var objects = new List<BoxAnnotation>();
        foreach (CocoAnnotation a in annotations.AnnotationsOfImage(image.Id))
        {
            CocoBox b = a.Box;
            double overlapW = Math.Max(0, Math.Min(b.X + b.Width, width) - Math.Max(b.X, 0));
            double overlapH = Math.Max(0, Math.Min(b.Y + b.Height, height) - Math.Max(b.Y, 0));
            if (a.Ignore || overlapW * overlapH == 0 || a.Area <= 0 || b.Width < 1 || b.Height < 1)
            {
                continue;
            }

            objects.Add(new BoxAnnotation((float)b.X, (float)b.Y, (float)(b.X + b.Width), (float)(b.Y + b.Height),
                annotations.Labels.LabelOf(a.CategoryId), IsCrowd: a.IsCrowd));
        }

        return new DetectionRecord(image.Id, Path.GetFileName(image.FileName), path, width, height, objects.ToArray());
    }
}
