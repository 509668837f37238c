using DynDet.Config;
using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// Dynamic SmoothL1, DSL (SPEC §1.2 steps 4 and 6): each iteration with positives contributes one β statistic
/// (the K_β-th smallest mean |dx|, |dy| of the normalised targets of the sampled positives); every C
/// iterations β becomes <c>min(initial β, median of the history)</c>, keeping the old β when the history is
/// empty or the median is below 1e-15 (a zero β gives NaN gradients: SPEC §9). The history is cleared at
/// each update. The update follows the R-CNN's iteration count (one per iteration, whether or not it had
/// positives), as MMDetection 3.x updates both strategies together. It reads the R-CNN head's published
/// <c>positive_targets</c> (MMDetection's statistic) or <c>regression_errors</c> (the original repository's), by
/// <see cref="Variant"/>.
/// </summary>
public sealed class DynamicSmoothL1 : ITrainingStrategy, IDisposable
{
    /// <summary>Medians below this keep the previous β (MMDetection PR #4303).</summary>
    public const double Epsilon = 1e-15;

    private readonly StatisticHistory _history = new();
    private long _iterationsSinceUpdate;
    private Tensor? _pending;

    // This step's β pool (the values whose k-th smallest is the statistic) and k, for Synchronize to pool over processes.
    private Tensor? _pendingPool;
    private long _pendingK;

    /// <summary>Creates the strategy.</summary>
    /// <param name="initialBeta">β before the first update and its upper clamp (1.0).</param>
    /// <param name="topKPerImage">K_β per image (10); the statistic uses K_β × images.</param>
    /// <param name="interval">C, iterations per update (100).</param>
    /// <param name="median">Median rule (numpy's, MMDetection's).</param>
    /// <param name="enabled">Whether β adapts (DSL on).</param>
    /// <param name="variant">Whose β statistic: MMDetection's over the sampled positives (default) or the original's
    /// over every proposal.</param>
    /// <param name="name">The instance's name (default <c>dsl</c>).</param>
    /// <param name="source">The component whose statistics it reads (default <c>roi_head</c>).</param>
    public DynamicSmoothL1(double initialBeta = 1.0, int topKPerImage = 10, int interval = 100,
        MedianRule median = MedianRule.Numpy, bool enabled = true, DynamicRcnnVariant variant = DynamicRcnnVariant.Mmdet,
        string name = "dsl", string source = "roi_head")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(source);
        Name = name;
        Source = source;
        Variant = variant;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialBeta);
        ArgumentOutOfRangeException.ThrowIfLessThan(topKPerImage, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        Beta = initialBeta;
        InitialBeta = initialBeta;
        TopKPerImage = topKPerImage;
        Interval = interval;
        Median = median;
        Enabled = enabled;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The component whose published statistics it reads.</summary>
    public string Source { get; }

    /// <summary>Whose β statistic it computes.</summary>
    public DynamicRcnnVariant Variant { get; }

    /// <summary>The current SmoothL1 β of the R-CNN box loss.</summary>
    public double Beta { get; private set; }

    /// <summary>β's start and upper clamp.</summary>
    public double InitialBeta { get; }

    /// <summary>K_β per image.</summary>
    public int TopKPerImage { get; }

    /// <summary>C.</summary>
    public int Interval { get; }

    /// <summary>Median rule.</summary>
    public MedianRule Median { get; }

    /// <summary>Whether β adapts.</summary>
    public bool Enabled { get; }

    /// <summary>Statistics recorded since the last update.</summary>
    public int HistoryCount => _history.Count;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Current => new Dictionary<string, double> { ["beta"] = Beta };

    /// <summary>Adds one β statistic directly, or nothing for an iteration without positives (null).</summary>
    public void Record(Tensor? betaStatistic)
    {
        if (Enabled && betaStatistic is not null)
        {
            _history.Add(betaStatistic);
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

        int k = TopKPerImage * statistics.Images;
        Tensor? statistic;
        using var scope = Engine.NewDisposeScope();
        Tensor pool;
        if (Variant == DynamicRcnnVariant.Mmdet)
        {
            var targets = statistics.GetSingle($"{Source}.{DynamicRcnnStatistics.PositiveTargets}");
            statistic = DynamicRcnnStatistics.KthSmallestRegressionError(targets, targets.Size(0), k);
            using var noGrad = Engine.NoGrad();
            pool = targets.Narrow(1, 0, 2).Abs().Mean(1);
        }
        else
        {
            pool = statistics.GetSingle($"{Source}.{DynamicRcnnStatistics.RegressionErrors}");
            statistic = DynamicRcnnStatistics.KthSmallest(pool, k);
        }

        statistic = statistic is null ? null : scope.MoveToOuter(statistic);
        SetPending(statistic);
        var previous = _pendingPool;
        _pendingPool = pool.Detach().DetachFromDisposeScope();
        previous?.Dispose();
        _pendingK = k;
    }

    /// <inheritdoc />
    public void Synchronize(IStatisticReducer reducer)
    {
        ArgumentNullException.ThrowIfNull(reducer);
        if (reducer.WorldSize > 1 && _pendingPool is not null)
        {
            // Pooled over the processes, as one process with the whole batch would compute it (a mean of the ranks'
            // k-th smallest would not be). Every rank calls this, with or without positives of its own: the collective
            // stays in step, and an iteration without positives anywhere gives NaN, which Update leaves out.
            SetPending(PooledOrderStatistic.KthSmallest(_pendingPool, _pendingK * reducer.WorldSize, reducer));
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
            SetPending(null);
        }

        if (!Enabled || ++_iterationsSinceUpdate < Interval)
        {
            return null;
        }

        _iterationsSinceUpdate = 0;
        double[] values = FiniteHistory();
        _history.Clear();
        double median = values.Length == 0 ? double.NaN : MedianOf(values, Median);
        if (values.Length > 0 && median >= Epsilon)
        {
            Beta = Math.Min(InitialBeta, median);
        }

        return new StrategyUpdate(Name, iteration, Current, median, values.Length);
    }

    /// <summary>The median of <paramref name="values"/> (non-empty) by <paramref name="rule"/>.</summary>
    public static double MedianOf(IReadOnlyList<double> values, MedianRule rule)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("the median of no values is undefined", nameof(values));
        }

        double[] sorted = values.Order().ToArray();
        int n = sorted.Length;
        return rule == MedianRule.UpperMiddle || n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <inheritdoc />
    public StrategyState SaveState() => new(
        new Dictionary<string, double> { ["beta"] = Beta, ["iterations_since_update"] = _iterationsSinceUpdate },
        new Dictionary<string, IReadOnlyList<double>> { ["beta"] = FiniteHistory() });

    /// <inheritdoc />
    public void LoadState(StrategyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Beta = state.Values["beta"];
        _iterationsSinceUpdate = (long)state.Values.GetValueOrDefault("iterations_since_update");
        _history.Clear();
        foreach (double v in state.Histories.GetValueOrDefault("beta") ?? [])
        {
            _history.Add(v);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        SetPending(null);
        _pendingPool?.Dispose();
        _pendingPool = null;
        _history.Dispose();
    }

    /// <summary>The statistics recorded, without the NaN of iterations without positives on any process.</summary>
    private double[] FiniteHistory() => [.. _history.Values().Where(v => !double.IsNaN(v))];

    private void SetPending(Tensor? statistic)
    {
        var previous = _pending;
        _pending = statistic?.DetachFromDisposeScope();
        previous?.Dispose();
    }
}
