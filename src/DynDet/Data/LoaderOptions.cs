namespace DynDet.Data;

/// <summary>Options of <see cref="DataLoader"/>.</summary>
public sealed record LoaderOptions
{
    /// <summary>Images per batch (per process); default 2 (MMDetection's samples_per_gpu).</summary>
    public int BatchSize { get; init; } = 2;

    /// <summary>Shuffle each epoch; default true (use false for evaluation).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of shuffles and augmentations; default 0. The same seed gives the same batches.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Background threads preparing batches; default 2. 0 prepares each batch on the consumer's thread when it
    /// is taken. The batches are the same whatever the count.
    /// </summary>
    public int Workers { get; init; } = 2;

    /// <summary>Batches prepared ahead of the consumer, in all (bounded queues); default 4, ≥ 1.</summary>
    public int Prefetch { get; init; } = 4;

    /// <summary>This process's rank for multi-process training; default 0.</summary>
    public int Rank { get; init; }

    /// <summary>Number of processes; default 1.</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>Drop each epoch's last batch when it is smaller than <see cref="BatchSize"/>; default false.</summary>
    public bool DropLast { get; init; }
}
