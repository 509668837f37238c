namespace DynDet.Data;

/// <summary>
/// What a dataset knows about one image before its pixels are read: identity, where the pixels are,
/// the original size and the annotated objects. Immutable.
/// </summary>
public sealed class DetectionRecord
{
    /// <summary>Creates a record.</summary>
    /// <param name="imageId">The image id (COCO's <c>id</c>; 1-based position for VOC and synthetic data).</param>
    /// <param name="name">A short name for messages and output files (file name without folder, or a key).</param>
    /// <param name="filePath">Full path of the image file, or null when the dataset makes pixels in memory.</param>
    /// <param name="width">Original width in pixels (≥ 1).</param>
    /// <param name="height">Original height in pixels (≥ 1).</param>
    /// <param name="objects">The annotated objects (may be empty).</param>
    public DetectionRecord(long imageId, string name, string? filePath, int width, int height,
        IReadOnlyList<BoxAnnotation> objects)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ImageId = imageId;
        Name = name;
        FilePath = filePath;
        Width = width;
        Height = height;
        Objects = objects;
    }

    /// <summary>The image id (COCO's <c>id</c>; 1-based position for VOC and synthetic data).</summary>
    public long ImageId { get; }

    /// <summary>A short name for messages and output files.</summary>
    public string Name { get; }

    /// <summary>Full path of the image file, or null when the dataset makes pixels in memory.</summary>
    public string? FilePath { get; }

    /// <summary>Original width in pixels.</summary>
    public int Width { get; }

    /// <summary>Original height in pixels.</summary>
    public int Height { get; }

    /// <summary>The annotated objects, training targets and ignore regions alike.</summary>
    public IReadOnlyList<BoxAnnotation> Objects { get; }

    /// <summary>Number of objects that are training targets (neither crowd nor difficult).</summary>
    public int TargetCount
    {
        get
        {
            int n = 0;
            foreach (var o in Objects)
            {
                if (!o.IsIgnored)
                {
                    n++;
                }
            }

            return n;
        }
    }
}
