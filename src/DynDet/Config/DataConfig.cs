namespace DynDet.Config;

/// <summary>Data loading and augmentation (SPEC §0.6).</summary>
public sealed record DataConfig
{
    /// <summary>Default training dataset SPEC (CONTRACT.md), used when <c>--train-data</c> is not given.</summary>
    public string? Train { get; init; }

    /// <summary>Default validation dataset SPEC, used when <c>--val-data</c> is not given.</summary>
    public string? Val { get; init; }

    /// <summary>
    /// Training resize scales [long, short]; one entry, or several for multi-scale (chosen per image) (default
    /// [[1333, 800]]; at least one, each of 2 entries in [1, 8192]).
    /// </summary>
    [ConfigRange(1, 8192, Entries = 2, MinEntries = 1)]
    public IReadOnlyList<IReadOnlyList<int>> TrainScales { get; init; } = [[1333, 800]];

    /// <summary>Test resize scale [long, short] (default [1333, 800]; 2 entries in [1, 8192]).</summary>
    [ConfigRange(1, 8192, Entries = 2)]
    public IReadOnlyList<int> TestScale { get; init; } = [1333, 800];

    /// <summary>Horizontal flip probability while training (default 0.5; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Images per batch per process (default 2; in [1, 1024]).</summary>
    [ConfigRange(1, 1024)]
    public int ImagesPerBatch { get; init; } = 2;

    /// <summary>Background threads preparing batches (default 2; 0 prepares them on the training thread; in [0, 256]).</summary>
    [ConfigRange(0, 256)]
    public int Workers { get; init; } = 2;

    /// <summary>
    /// Largest image, in pixels (width × height), the loader decodes (default 100000000, i.e. 100 MP; in [1, 715827863]);
    /// an image declaring more is an error naming the file, raised from its header before any pixel buffer is allocated.
    /// </summary>
    [ConfigRange(1, 715_827_863)]
    public long MaxImagePixels { get; init; } = 100_000_000;

    /// <summary>
    /// True: read pixels as stored, ignoring the EXIF Orientation tag (mmcv's <c>color_ignore_orientation</c>);
    /// false (default): apply it, as MMDetection's loader does.
    /// </summary>
    public bool IgnoreOrientation { get; init; }

    /// <summary>
    /// Whose resize the training and test transforms follow (default mmdetection). <c>mmdetection</c>: mmcv's
    /// <c>rescale_size</c> (scale in double precision, sizes rounded half up) and the 8-bit image resized, then
    /// normalised. <c>torchvision</c>: <c>GeneralizedRCNNTransform</c>'s (scale in float32, sizes floored, often one
    /// pixel smaller) and the normalised float image resized, so that a torchvision-style preset sees exactly the
    /// tensor torchvision's model sees. The torchvision presets (<c>fasterrcnn_r18</c>, <c>retinanet_r50</c>,
    /// <c>fcos_r50</c>) set it.
    /// </summary>
    public ImplementationStyle Resize { get; init; } = ImplementationStyle.Mmdetection;
}
