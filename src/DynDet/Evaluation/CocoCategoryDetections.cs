namespace DynDet.Evaluation;

/// <summary>
/// The evaluated detections of one category over all images (pycocotools' <c>evalImgs</c> for that category,
/// concatenated in image order): score, rank inside its image, and per area range a bit set of the IoU thresholds at
/// which it is matched (bits 0–9) and at which it is ignored (bits 16–25). Also the count of non-ignored ground
/// truths per area range (<c>npig</c>).
/// </summary>
internal sealed class CocoCategoryDetections
{
    public const int IgnoredShift = 16;

    private double[] _scores;
    private int[] _ranks;
    private int[] _flags;

    public CocoCategoryDetections(int capacity)
    {
        capacity = Math.Max(capacity, 4);
        _scores = new double[capacity];
        _ranks = new int[capacity];
        _flags = new int[4 * capacity];
    }

    public int Count { get; private set; }

    /// <summary>Non-ignored ground truths per area range.</summary>
    public long[] NonIgnoredGts { get; } = new long[4];

    /// <summary>Detections beyond the 100 kept per image that were not evaluated.</summary>
    public long Dropped { get; set; }

    public ReadOnlySpan<double> Scores => _scores.AsSpan(0, Count);

    public ReadOnlySpan<int> Ranks => _ranks.AsSpan(0, Count);

    /// <summary>Four ints per detection, one per area range: matched bits | ignored bits &lt;&lt; 16.</summary>
    public ReadOnlySpan<int> Flags => _flags.AsSpan(0, 4 * Count);

    /// <summary>Appends a detection with no flags set.</summary>
    public void Add(double score, int rank)
    {
        if (Count == _scores.Length)
        {
            int capacity = 2 * Count;
            Array.Resize(ref _scores, capacity);
            Array.Resize(ref _ranks, capacity);
            Array.Resize(ref _flags, 4 * capacity);
        }

        _scores[Count] = score;
        _ranks[Count] = rank;
        _flags.AsSpan(4 * Count, 4).Clear();
        Count++;
    }

    /// <summary>Sets bits in the flags of detection <paramref name="index"/> for area range <paramref name="area"/>.</summary>
    public void SetFlags(int index, int area, int bits) => _flags[(4 * index) + area] |= bits;
}
