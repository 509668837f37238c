namespace DynDet.Data;

/// <summary>
/// The order in which one process visits a dataset, epoch by epoch, as PyTorch's <c>DistributedSampler</c>
/// does: every rank draws the same permutation for an epoch (shuffled from the seed and the epoch with DynDet's
/// own <see cref="Pcg32"/>, or the identity), pads it by repeating its start to a multiple of the world size,
/// and keeps positions rank, rank + world, rank + 2·world, .... Ranks thus see disjoint slices that together
/// cover the dataset, each of the same length. Thread-safe.
/// </summary>
public sealed class EpochSampler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, int[]> _recent = [];

    /// <summary>Creates the sampler.</summary>
    /// <param name="count">Dataset size (≥ 1).</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <param name="shuffle">Shuffle each epoch (training) or keep dataset order (evaluation).</param>
    /// <param name="rank">This process's rank, 0 ≤ rank &lt; worldSize.</param>
    /// <param name="worldSize">Number of processes (≥ 1).</param>
    public EpochSampler(int count, ulong seed, bool shuffle = true, int rank = 0, int worldSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, worldSize);
        Count = count;
        Seed = seed;
        Shuffle = shuffle;
        Rank = rank;
        WorldSize = worldSize;
        SamplesPerRank = (count + worldSize - 1) / worldSize;
    }

    /// <summary>Dataset size.</summary>
    public int Count { get; }

    /// <summary>Seed of the shuffles.</summary>
    public ulong Seed { get; }

    /// <summary>Whether epochs are shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>This process's rank.</summary>
    public int Rank { get; }

    /// <summary>Number of processes.</summary>
    public int WorldSize { get; }

    /// <summary>Samples each rank visits per epoch: ceil(Count / WorldSize).</summary>
    public int SamplesPerRank { get; }

    /// <summary>
    /// Epoch <paramref name="epoch"/>'s whole padded permutation (SamplesPerRank × WorldSize entries), the same on
    /// every rank. Position p goes to rank p mod WorldSize.
    /// </summary>
    public int[] Permutation(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (Shuffle)
        {
            new Pcg32(Pcg32.Mix(Seed, (ulong)epoch, 0x5A3F1E), 0x5A3).Shuffle<int>(order);
        }

        int total = SamplesPerRank * WorldSize;
        if (total == Count)
        {
            return order;
        }

        var padded = new int[total];
        for (int p = 0; p < total; p++)
        {
            padded[p] = order[p % Count];
        }

        return padded;
    }

    /// <summary>The dataset indices this rank visits in epoch <paramref name="epoch"/>, in order (cached for recent epochs).</summary>
    public IReadOnlyList<int> Indices(int epoch)
    {
        lock (_gate)
        {
            if (_recent.TryGetValue(epoch, out int[]? cached))
            {
                return cached;
            }
        }

        int[] permutation = Permutation(epoch);
        var mine = new int[SamplesPerRank];
        for (int k = 0; k < mine.Length; k++)
        {
            mine[k] = permutation[Rank + k * WorldSize];
        }

        lock (_gate)
        {
            if (_recent.Count >= 4)
            {
                _recent.Remove(_recent.Keys.Min());
            }

            _recent[epoch] = mine;
        }

        return mine;
    }
}
