namespace DynDet.Config;

/// <summary>Data loading and augmentation (SPEC §0.6).</summary>
public sealed record DataConfig
{
    /// <summary>Default training dataset SPEC (CONTRACT.md), used when <c>--train-data</c> is not given.</summary>
    public string? Train { get; init; }

    /// <summary>Default validation dataset SPEC, used when <c>--val-data</c> is not given.</summary>
    public string? Val { get; init; }

    /// <summary>Training resize scales (long, short); one entry, or several for multi-scale (chosen per image).</summary>
    public IReadOnlyList<IReadOnlyList<int>> TrainScales { get; init; } = [[1333, 800]];

    /// <summary>Test resize scale (long, short).</summary>
    public IReadOnlyList<int> TestScale { get; init; } = [1333, 800];

    /// <summary>Horizontal flip probability while training (0.5).</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Images per batch per process (2).</summary>
    public int ImagesPerBatch { get; init; } = 2;

    /// <summary>Background threads preparing batches (2).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// Largest image, in pixels (width × height), the loader decodes; an image declaring more is an error naming
    /// the file, raised from its header before any pixel buffer is allocated. Default 100,000,000 (100 MP);
    /// range 1 to 715,827,863.
    /// </summary>
    public long MaxImagePixels { get; init; } = 100_000_000;

    /// <summary>
    /// True: read pixels as stored, ignoring the EXIF Orientation tag (mmcv's <c>color_ignore_orientation</c>);
    /// false (default): apply it, as MMDetection's loader does.
    /// </summary>
    public bool IgnoreOrientation { get; init; }
}
