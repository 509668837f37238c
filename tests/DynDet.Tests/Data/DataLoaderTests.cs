using DynDet.TestSupport;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Synthetic;
using DynDet.Data.Transforms;
using DynDet.Torch;

namespace DynDet.Tests.Data;

public sealed class DataLoaderTests : TorchTest
{
    private static readonly SyntheticDataset Small = new(new SyntheticOptions { Images = 11, Seed = 2, Width = 96, Height = 72 });

    private static DataLoader Loader(int workers, ulong seed = 7, int rank = 0, int world = 1, int batch = 3, bool dropLast = false,
        IDetectionDataset? dataset = null) =>
        new(dataset ?? Small,
            new DetectionTransform(new TransformOptions { Scales = [new(64, 48), new(96, 64)] }),
            new LoaderOptions { BatchSize = batch, Seed = seed, Workers = workers, Prefetch = 3, Rank = rank, WorldSize = world, DropLast = dropLast });

    [Fact]
    public void SameBatchesWhateverTheWorkerCount()
    {
        List<Snapshot> reference = Take(Loader(0), 0, 9);   // 4 batches per epoch: crosses two epoch boundaries
        foreach (int workers in new[] { 1, 3 })
        {
            List<Snapshot> other = Take(Loader(workers), 0, 9);
            Assert.Equal(reference.Count, other.Count);
            for (int k = 0; k < reference.Count; k++)
            {
                reference[k].AssertEqual(other[k]);
            }
        }

        // Resuming at batch 5 gives batches 5.. exactly.
        List<Snapshot> resumed = Take(Loader(2), 5, 4);
        for (int k = 0; k < 4; k++)
        {
            reference[5 + k].AssertEqual(resumed[k]);
        }
    }

    [Fact]
    public void EpochsAreShuffledPermutationsFromTheSeed()
    {
        DataLoader loader = Loader(0);
        Assert.Equal(4, loader.BatchesPerEpoch);
        int[] epoch0 = [.. Enumerable.Range(0, 4).SelectMany(b => loader.BatchIndices(b))];
        int[] epoch1 = [.. Enumerable.Range(4, 4).SelectMany(b => loader.BatchIndices(b))];
        Assert.Equal(Enumerable.Range(0, 11), epoch0.Order());
        Assert.Equal(Enumerable.Range(0, 11), epoch1.Order());
        Assert.NotEqual(epoch0, epoch1);
        Assert.NotEqual(epoch0, Enumerable.Range(0, 11));
        Assert.Equal(epoch0, Enumerable.Range(0, 4).SelectMany(b => Loader(0).BatchIndices(b)));
        Assert.NotEqual(epoch0, Enumerable.Range(0, 4).SelectMany(b => Loader(0, seed: 8).BatchIndices(b)));
        Assert.Equal(Enumerable.Range(0, 11), new EpochSampler(11, 1, shuffle: false).Indices(3));
        Assert.Equal(3, Loader(0, dropLast: true).BatchesPerEpoch);
    }

    [Fact]
    public void ShardsAreDisjointEqualAndCovering()
    {
        const int world = 3;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var shards = Enumerable.Range(0, world).Select(r => new EpochSampler(11, 5, true, r, world).Indices(epoch)).ToArray();
            Assert.All(shards, s => Assert.Equal(4, s.Count));                 // ceil(11 / 3)
            int[] all = [.. shards.SelectMany(s => s)];
            Assert.Equal(Enumerable.Range(0, 11), all.Distinct().Order());      // covering
            // 12 slots for 11 images: exactly one image is repeated (padding), as DistributedSampler pads.
            Assert.Equal(11, all.Distinct().Count());
            Assert.Equal(12, all.Length);
            int[] permutation = new EpochSampler(11, 5, true, 0, world).Permutation(epoch);
            Assert.Equal(permutation[0], permutation[11]);                      // padding repeats the start
            for (int r = 0; r < world; r++)
            {
                Assert.Equal(Enumerable.Range(0, 4).Select(k => permutation[r + k * world]), shards[r]);
            }
        }

        // Without padding (12 images, 3 ranks) the shards partition the dataset.
        var even = Enumerable.Range(0, 3).Select(r => new EpochSampler(12, 5, true, r, 3).Indices(0)).ToArray();
        Assert.Equal(Enumerable.Range(0, 12), even.SelectMany(s => s).Order());

        // Loaders of different ranks draw disjoint images (but for the padding: the 12th slot, rank 1's last,
        // repeats the epoch's first image, which is rank 0's first).
        int[] rank0 = [.. Take(Loader(0, rank: 0, world: 2), 0, 2).SelectMany(s => s.Indices)];
        int[] rank1 = [.. Take(Loader(0, rank: 1, world: 2), 0, 2).SelectMany(s => s.Indices)];
        Assert.Equal(6, rank0.Length);
        Assert.Equal(6, rank1.Length);
        Assert.Empty(rank0.Intersect(rank1[..5]));
        Assert.Equal(rank0[0], rank1[5]);
    }

    [Fact]
    public void DisposingMidStreamReleasesQueuedBatches()
    {
        // 3 workers, 3 images a batch: worker k makes batches k, k + 3, ... When a worker reads its 4th image it
        // has queued its first batch. Waiting for workers 1 and 2 to get there (instead of sleeping) makes sure
        // batches 1 and 2 sit in the queues, not taken, when the stream is disposed.
        // Any two such workers include worker 1 or 2, whose first batch is never taken here.
        using var watched = new WatchedDataset(Small, reads: 4, threads: 2);
        DataLoader loader = Loader(3, dataset: watched);
        using (BatchStream stream = loader.Open())
        {
            Assert.True(stream.TryTake(out DetectionBatch? batch));
            batch.Dispose();
            Assert.True(watched.Reached.Wait(TimeSpan.FromMinutes(2)), "the workers never queued their batches");
            Assert.True(Engine.LiveTensors > 0);
        }

        Assert.Equal(0, Engine.LiveTensors);

        foreach (DetectionBatch batch in loader.Epoch(1))
        {
            using (batch)
            {
                Assert.Equal(1, batch.Epoch);
                break;                               // leaving the loop early stops the workers too
            }
        }

        Assert.Equal(0, Engine.LiveTensors);
        int count = 0;
        foreach (DetectionBatch batch in loader.Epoch(0))
        {
            using (batch)
            {
                Assert.Equal(count++, batch.BatchInEpoch);
            }
        }

        Assert.Equal(loader.BatchesPerEpoch, count);
    }

    [Fact]
    public void BadImageIsRethrownAtItsBatch()
    {
        using var folder = VocDatasetTests.MiniVoc(out string root);
        string image = Path.Combine(root, "JPEGImages", "b.jpg");
        File.WriteAllBytes(image, File.ReadAllBytes(image)[..500]);
        var voc = new DynDet.Data.Voc.VocDataset(root, "train");
        foreach (int workers in new[] { 0, 2 })
        {
            DataLoader loader = new(voc, new DetectionTransform(TransformOptions.Testing(new ImageScale(64, 64))),
                new LoaderOptions { BatchSize = 1, Shuffle = false, Workers = workers });
            using BatchStream stream = loader.Open();
            Assert.True(stream.TryTake(out DetectionBatch? first));
            first.Dispose();
            var e = Assert.Throws<InputException>(() => stream.TryTake(out _));
            Assert.Contains(image, e.Message, StringComparison.Ordinal);
            Assert.Throws<InputException>(() => stream.TryTake(out _));     // stays failed
        }
    }

    private static List<Snapshot> Take(DataLoader loader, long first, int count)
    {
        var result = new List<Snapshot>();
        using BatchStream stream = loader.Open(first, count);
        while (stream.TryTake(out DetectionBatch? batch))
        {
            using (batch)
            {
                result.Add(Snapshot.Of(batch, loader));
            }
        }

        return result;
    }

    /// <summary>
    /// A dataset that signals <see cref="Reached"/> once <c>threads</c> distinct threads have each asked for
    /// <c>reads</c> images (a loader worker reading image 4 has finished and queued its first 3-image batch).
    /// </summary>
    private sealed class WatchedDataset(IDetectionDataset inner, int reads, int threads) : IDetectionDataset, IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _readsByThread = new();
        private int _threadsThere;

        public ManualResetEventSlim Reached { get; } = new();

        public string Description => inner.Description;

        public int Count => inner.Count;

        public IReadOnlyList<string> CategoryNames => inner.CategoryNames;

        public IReadOnlyList<long> CategoryIds => inner.CategoryIds;

        public DetectionRecord GetRecord(int index) => inner.GetRecord(index);

        public RgbImage LoadImage(int index)
        {
            int count = _readsByThread.AddOrUpdate(Environment.CurrentManagedThreadId, 1, (_, n) => n + 1);
            if (count == reads && Interlocked.Increment(ref _threadsThere) == threads)
            {
                Reached.Set();
            }

            return inner.LoadImage(index);
        }

        public void Dispose() => Reached.Dispose();
    }

    /// <summary>A batch's content copied out of its tensors.</summary>
    private sealed record Snapshot(long Number, int[] Indices, long[] Shape, float[] Pixels, float[][] Boxes, long[][] Labels, ImageMeta[] Metas)
    {
        public static Snapshot Of(DetectionBatch batch, DataLoader loader) => new(
            batch.Number,
            [.. batch.Metas.Select(m => m.Index)],
            batch.Images.Shape,
            batch.Images.ToArray<float>(),
            [.. batch.Targets.Select(t => t.Boxes.ToArray<float>())],
            [.. batch.Targets.Select(t => t.Labels.ToArray<long>())],
            [.. batch.Metas]);

        public void AssertEqual(Snapshot other)
        {
            Assert.Equal(Number, other.Number);
            Assert.Equal(Indices, other.Indices);
            Assert.Equal(Shape, other.Shape);
            Assert.True(Pixels.AsSpan().SequenceEqual(other.Pixels));
            Assert.Equal(Boxes, other.Boxes);
            Assert.Equal(Labels, other.Labels);
            Assert.Equal(Metas, other.Metas);
        }
    }
}
