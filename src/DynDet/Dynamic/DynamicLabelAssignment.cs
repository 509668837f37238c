using DynDet.Config;
using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// Dynamic label assignment, DLA (SPEC §1.2 steps 2 and 6): each iteration contributes one IoU statistic
/// (the K_I-th largest max-IoU of the proposals with the gts prepended, averaged over images); every C
/// statistics the R-CNN assigner's positive and negative threshold becomes <c>max(floor, mean)</c>, and the
/// history is cleared. Turned off (<see cref="Enabled"/> false) the threshold never moves. It reads the R-CNN head's
/// published <c>max_overlaps</c> (<see cref="DynamicRcnnStatistics.MaxOverlaps"/>) and computes MMDetection's or the
/// original repository's statistic from them (<see cref="Variant"/>).
/// </summary>
public sealed class DynamicLabelAssignment : ITrainingStrategy, IDisposable
{
    private readonly StatisticHistory _history = new();
    private Tensor? _pending;

    // The original variant's pooled IoUs of this step and its k, for Synchronize to pool over processes.
    private Tensor? _pendingPool;
    private long _pendingK;

    /// <summary>Creates the strategy.</summary>
    /// <param name="startThreshold">Threshold before the first update (MMDetection: the config's 0.5; original: 0.4).</param>
    /// <param name="floor">Lower clamp of every update (initial_iou, 0.4).</param>
    /// <param name="topK">K_I (75), used by whoever computes the statistic.</param>
    /// <param name="interval">C, statistics per update (100).</param>
    /// <param name="enabled">Whether updates happen (DLA on).</param>
    /// <param name="variant">Whose IoU statistic: MMDetection's mean over images (default) or the original's over the batch.</param>
    /// <param name="name">The instance's name (default <c>dla</c>).</param>
    /// <param name="source">The component whose statistics it reads (default <c>roi_head</c>).</param>
    public DynamicLabelAssignment(double startThreshold, double floor = 0.4, int topK = 75, int interval = 100,
        bool enabled = true, DynamicRcnnVariant variant = DynamicRcnnVariant.Mmdet, string name = "dla", string source = "roi_head")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(source);
        Name = name;
        Source = source;
        Variant = variant;
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        Threshold = startThreshold;
        Floor = floor;
        TopK = topK;
        Interval = interval;
        Enabled = enabled;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The component whose published statistics it reads.</summary>
    public string Source { get; }

    /// <summary>Whose IoU statistic it computes.</summary>
    public DynamicRcnnVariant Variant { get; }

    /// <summary>The current positive = negative IoU threshold of the R-CNN assigner.</summary>
    public double Threshold { get; private set; }

    /// <summary>Lower clamp of updates.</summary>
    public double Floor { get; }

    /// <summary>K_I.</summary>
    public int TopK { get; }

    /// <summary>C.</summary>
    public int Interval { get; }

    /// <summary>Whether the threshold adapts.</summary>
    public bool Enabled { get; }

    /// <summary>Statistics recorded since the last update.</summary>
    public int HistoryCount => _history.Count;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Current => new Dictionary<string, double> { ["iou_threshold"] = Threshold };

    /// <summary>Adds one IoU statistic (a 0-d tensor; not read now) to the history directly.</summary>
    public void Record(Tensor iouStatistic)
    {
        ArgumentNullException.ThrowIfNull(iouStatistic);
        if (Enabled)
        {
            _history.Add(iouStatistic);
        }
    }

    /// <inheritdoc />
    public void Observe(StepStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (!Enabled)
        {
            return;
        }

        var maxOverlaps = statistics.Get($"{Source}.{DynamicRcnnStatistics.MaxOverlaps}");
        SetPending(Variant == DynamicRcnnVariant.Mmdet
            ? DynamicRcnnStatistics.MeanPerImageKthLargestIou(maxOverlaps, TopK)
            : DynamicRcnnStatistics.BatchKthLargestIou(maxOverlaps, TopK));
        if (Variant == DynamicRcnnVariant.Original)
        {
            _pendingPool?.Dispose();
            _pendingPool = Tensor.Cat([.. maxOverlaps.Select(m => m.Detach())]).DetachFromDisposeScope();
            _pendingK = (long)TopK * maxOverlaps.Count;
        }
    }

    /// <inheritdoc />
    public void Synchronize(IStatisticReducer reducer)
    {
        ArgumentNullException.ThrowIfNull(reducer);
        if (_pending is null)
        {
            return;
        }

        if (Variant == DynamicRcnnVariant.Mmdet || reducer.WorldSize == 1 || _pendingPool is null)
        {
            // A mean over images: with the same number of images on every process, the mean of the processes' means.
            SetPending(reducer.Mean(_pending));
        }
        else
        {
            // The original's k-th largest of the pooled batch, as one process with the whole batch (0 without proposals).
            using var scope = Engine.NewDisposeScope();
            var largest = PooledOrderStatistic.KthSmallest(_pendingPool.Neg(), _pendingK * reducer.WorldSize, reducer).Neg();
            SetPending(scope.MoveToOuter(Tensor.Where(largest.IsNaN(), 0.0, largest)));
        }

        _pendingPool?.Dispose();
        _pendingPool = null;
    }

    /// <inheritdoc />
    public StrategyUpdate? Update(long iteration)
    {
        if (_pending is not null)
        {
            _history.Add(_pending);
            _pending.Dispose();
            _pending = null;
        }

        if (!Enabled || _history.Count < Interval)
        {
            return null;
        }

        double[] values = _history.Values();
        double mean = values.Average();
        Threshold = Math.Max(Floor, mean);
        _history.Clear();
        return new StrategyUpdate(Name, iteration, Current, mean, values.Length);
    }

    /// <inheritdoc />
    public StrategyState SaveState() => new(
        new Dictionary<string, double> { ["iou_threshold"] = Threshold },
        new Dictionary<string, IReadOnlyList<double>> { ["iou"] = _history.Values() });

    /// <inheritdoc />
    public void LoadState(StrategyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Threshold = state.Values["iou_threshold"];
        _history.Clear();
        foreach (double v in state.Histories.GetValueOrDefault("iou") ?? [])
        {
            _history.Add(v);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _pending?.Dispose();
        _pendingPool?.Dispose();
        _history.Dispose();
    }

    private void SetPending(Tensor statistic)
    {
        var previous = _pending;
        _pending = statistic.DetachFromDisposeScope();
        previous?.Dispose();
    }
}
