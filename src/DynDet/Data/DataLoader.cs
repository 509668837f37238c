using DynDet.Data.Transforms;

namespace DynDet.Data;

/// <summary>
/// Turns a dataset into batches: an <see cref="EpochSampler"/> orders each epoch (shuffled from the seed,
/// sharded by rank), each image is read and transformed with a generator seeded by (seed, epoch, position), and
/// <see cref="BatchCollator"/> assembles the batch. Batches are numbered across epochs (number = epoch ×
/// <see cref="BatchesPerEpoch"/> + batch in epoch), and batch n is a pure function of the dataset, the options
/// and n: the same whatever the number of workers or their timing, and reproducible when training resumes at
/// any iteration. <see cref="Open"/> prepares batches on background threads with bounded queues.
/// </summary>
public sealed class DataLoader
{
    /// <summary>Creates a loader.</summary>
    /// <exception cref="ArgumentException">Options out of range, or an empty dataset.</exception>
    public DataLoader(IDetectionDataset dataset, DetectionTransform transform, LoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Workers);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Prefetch, 1);
        if (dataset.Count == 0)
        {
            throw new ArgumentException($"dataset {dataset.Description} has no images", nameof(dataset));
        }

        Dataset = dataset;
        Transform = transform;
        Options = options;
        Sampler = new EpochSampler(dataset.Count, options.Seed, options.Shuffle, options.Rank, options.WorldSize);
        int perRank = Sampler.SamplesPerRank;
        BatchesPerEpoch = options.DropLast ? perRank / options.BatchSize : (perRank + options.BatchSize - 1) / options.BatchSize;
        if (BatchesPerEpoch == 0)
        {
            throw new ArgumentException(
                $"batch size {options.BatchSize} with drop-last leaves no batch of the {perRank} images per process", nameof(options));
        }
    }

    /// <summary>The dataset.</summary>
    public IDetectionDataset Dataset { get; }

    /// <summary>The transform.</summary>
    public DetectionTransform Transform { get; }

    /// <summary>The options.</summary>
    public LoaderOptions Options { get; }

    /// <summary>The epoch order of this process.</summary>
    public EpochSampler Sampler { get; }

    /// <summary>Batches per epoch for this process.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The dataset indices of batch <paramref name="number"/>.</summary>
    public IReadOnlyList<int> BatchIndices(long number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        int epoch = checked((int)(number / BatchesPerEpoch));
        int inEpoch = (int)(number % BatchesPerEpoch);
        IReadOnlyList<int> order = Sampler.Indices(epoch);
        int start = inEpoch * Options.BatchSize;
        int end = Math.Min(order.Count, start + Options.BatchSize);
        var indices = new int[end - start];
        for (int k = 0; k < indices.Length; k++)
        {
            indices[k] = order[start + k];
        }

        return indices;
    }

    /// <summary>Prepares batch <paramref name="number"/> on the calling thread. The caller owns (disposes) it.</summary>
    public DetectionBatch MakeBatch(long number)
    {
        IReadOnlyList<int> indices = BatchIndices(number);
        int epoch = (int)(number / BatchesPerEpoch);
        int inEpoch = (int)(number % BatchesPerEpoch);
        var images = new TransformedImage[indices.Count];
        for (int k = 0; k < indices.Count; k++)
        {
            int index = indices[k];
            // The sample's position in the epoch's padded permutation is unique across ranks.
            long position = Options.Rank + (long)Options.WorldSize * (inEpoch * (long)Options.BatchSize + k);
            var rng = new Pcg32(Pcg32.Mix(Options.Seed, (ulong)epoch, (ulong)position), 0xA06);
            images[k] = Transform.Apply(Dataset.LoadImage(index), Dataset.GetRecord(index), index, rng);
        }

        return BatchCollator.Collate(images, Transform.Options, number, epoch, inEpoch);
    }

    /// <summary>
    /// Starts preparing batches <paramref name="first"/>, <paramref name="first"/> + 1, ... (<paramref name="count"/>
    /// of them, or endlessly across epochs when null) on <see cref="LoaderOptions.Workers"/> background threads.
    /// Dispose the stream to stop the workers and release batches not taken.
    /// </summary>
    public BatchStream Open(long first = 0, long? count = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        long end = count is { } n ? checked(first + Math.Max(0, n)) : long.MaxValue;
        return new BatchStream(this, first, end, Options.Workers, Options.Prefetch);
    }

    /// <summary>The batches of epoch <paramref name="epoch"/>, prepared in the background; dispose each batch.</summary>
    public IEnumerable<DetectionBatch> Epoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Enumerate((long)epoch * BatchesPerEpoch, BatchesPerEpoch);
    }

    /// <summary>Batches from number <paramref name="first"/> on, across epochs without end; dispose each batch.</summary>
    public IEnumerable<DetectionBatch> Endless(long first = 0) => Enumerate(first, null);

    private IEnumerable<DetectionBatch> Enumerate(long first, long? count)
    {
        using BatchStream stream = Open(first, count);
        while (stream.TryTake(out DetectionBatch? batch))
        {
            yield return batch;
        }
    }
}
