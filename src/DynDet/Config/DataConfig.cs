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
}
