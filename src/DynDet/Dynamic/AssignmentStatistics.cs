using System.Globalization;
using DynDet.Models.DenseHeads;
using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// The label assignment's state over training, for ATSS and Dynamic ATSS alike (SPEC §7.2; the paper's Figure 3):
/// positives per gt, the mean per-gt threshold (in combined-IoU units, [0, 2+], with combined IoUs), the mean predicted
/// IoU of the positives (their soft target q) and the positives' mean regression loss <c>1 − GIoU</c> (unweighted and
/// without the loss weight, so ATSS's and Dynamic ATSS's curves compare). It steers nothing: it is the logging
/// channel every dynamic strategy has (progress line, <c>metrics.json</c>'s training entries, checkpoints).
/// <para>
/// Each step the ATSS head publishes one float64 tensor of five sums (<see cref="Of"/>): gts, positives, Σ thresholds,
/// Σ q, Σ (1 − GIoU). They are added up on the device (no read); every <see cref="Interval"/> iterations (the run's log
/// interval, so the values are the means over exactly the iterations of each <c>metrics.json</c> entry) the sums are
/// read in one transfer and <see cref="Current"/> becomes their ratios. Before the first read <see cref="Current"/> is
/// empty; a ratio whose denominator is 0 (no gts, no positives) is left out.
/// </para>
/// </summary>
public sealed class AssignmentStatistics : ITrainingStrategy, IDisposable
{
    /// <summary>The statistic's name under the publishing head's prefix (<c>bbox_head.assignment</c>).</summary>
    public const string Name = "assignment";

    /// <summary>Positives per gt.</summary>
    public const string PositivesPerGt = "pos_per_gt";

    /// <summary>Mean per-gt threshold.</summary>
    public const string MeanThreshold = "assign_thr";

    /// <summary>Mean predicted IoU of the positives.</summary>
    public const string PositiveIou = "pos_iou";

    /// <summary>Mean 1 − GIoU of the positives.</summary>
    public const string PositiveGiouLoss = "pos_giou_loss";

    private const int Sums = 5;
    private Tensor? _sums;
    private double[] _restored = new double[Sums];
    private Dictionary<string, double> _current = [];

    /// <summary>Creates the strategy.</summary>
    /// <param name="interval">Iterations per read (the run's log interval; ≥ 1).</param>
    /// <param name="instanceName">The instance's name (default <c>assignment</c>).</param>
    /// <param name="source">The component whose statistics it reads (default <c>bbox_head</c>).</param>
    public AssignmentStatistics(int interval, string instanceName = Name, string source = AtssHead.StatisticsSource)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentException.ThrowIfNullOrEmpty(source);
        Interval = interval;
        InstanceName = instanceName;
        Source = source;
    }

    /// <summary>Iterations per read.</summary>
    public int Interval { get; }

    /// <summary>The instance's name.</summary>
    public string InstanceName { get; }

    /// <summary>The component whose statistics it reads.</summary>
    public string Source { get; }

    /// <inheritdoc />
    string ITrainingStrategy.Name => InstanceName;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Current => _current;

    /// <summary>True: it only logs, so an ATSS checkpoint written before it existed still resumes.</summary>
    public bool StateIsOptional => true;

    /// <summary>
    /// The five sums of one step, float64 (5): gts, positives, Σ per-gt thresholds, Σ q over the positives,
    /// Σ (1 − GIoU) over the positives. The counts come from the tensors' shapes (no read). A new tensor.
    /// </summary>
    /// <param name="targets">The step's anchor targets (with the ATSS thresholds).</param>
    /// <param name="predictedIous">q of each positive (P).</param>
    /// <param name="positiveGiouLoss">1 − GIoU of each positive (P), unweighted.</param>
    public static Tensor Of(AnchorTargets targets, Tensor predictedIous, Tensor positiveGiouLoss)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(predictedIous);
        ArgumentNullException.ThrowIfNull(positiveGiouLoss);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var device = predictedIous.Device;
        double gts = targets.GtCount?.Sum() ?? 0;
        double positives = targets.PosCount.Sum();
        var counts = Tensor.FromArray(new[] { gts, positives }, 2).To(device);
        var threshold = targets.Thresholds is { } t ? t.To(ScalarType.Float64).Sum() : Tensor.Zeros([], ScalarType.Float64, device);
        var sums = Tensor.Stack([threshold, predictedIous.To(ScalarType.Float64).Sum(), positiveGiouLoss.To(ScalarType.Float64).Sum()]);
        return scope.MoveToOuter(Tensor.Cat([counts, sums]));
    }

    /// <inheritdoc />
    public void Observe(StepStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var step = statistics.GetSingle($"{Source}.{Name}");
        using var scope = Engine.NewDisposeScope();
        var total = _sums is null ? step.To(ScalarType.Float64, copy: true) : _sums + step;
        _sums?.Dispose();
        _sums = total.DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public void Synchronize(IStatisticReducer reducer)
    {
        ArgumentNullException.ThrowIfNull(reducer);
        // The mean over processes scales every sum alike, so the ratios are those of the global sums.
        if (_sums is not null && reducer.WorldSize > 1)
        {
            var mean = reducer.Mean(_sums).DetachFromDisposeScope();
            _sums.Dispose();
            _sums = mean;
        }
    }

    /// <inheritdoc />
    public StrategyUpdate? Update(long iteration)
    {
        if (iteration % Interval != 0)
        {
            return null;
        }

        double[] sums = ReadSums();
        _current = Ratios(sums);
        _restored = new double[Sums];
        return null;
    }

    /// <inheritdoc />
    public StrategyState SaveState() => new(
        new Dictionary<string, double>(_current),
        new Dictionary<string, IReadOnlyList<double>> { ["sums"] = ReadSums() });

    /// <inheritdoc />
    public void LoadState(StrategyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _current = new Dictionary<string, double>(state.Values);
        _sums?.Dispose();
        _sums = null;
        var sums = state.Histories.GetValueOrDefault("sums") ?? [];
        _restored = sums.Count == Sums ? [.. sums] : new double[Sums];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sums?.Dispose();
        _sums = null;
    }

    /// <summary>The ratios of five sums (as <see cref="Of"/> lays them out); a ratio over 0 is left out.</summary>
    public static Dictionary<string, double> Ratios(IReadOnlyList<double> sums)
    {
        ArgumentNullException.ThrowIfNull(sums);
        if (sums.Count != Sums)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{sums.Count} sums, expected {Sums}"), nameof(sums));
        }

        var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
        double gts = sums[0], positives = sums[1];
        if (gts > 0)
        {
            ratios[PositivesPerGt] = positives / gts;
            if (double.IsFinite(sums[2]))
            {
                ratios[MeanThreshold] = sums[2] / gts;
            }
        }

        if (positives > 0)
        {
            ratios[PositiveIou] = sums[3] / positives;
            ratios[PositiveGiouLoss] = sums[4] / positives;
        }

        return ratios;
    }

    // The sums since the last read (the restored ones included), read in one transfer; the device sums are cleared.
    private double[] ReadSums()
    {
        double[] sums = [.. _restored];
        if (_sums is not null)
        {
            using var cpu = _sums.To(Device.Cpu);
            double[] read = cpu.ToArray<double>();
            for (int k = 0; k < Sums; k++)
            {
                sums[k] += read[k];
            }

            _sums.Dispose();
            _sums = null;
        }

        _restored = sums;
        return sums;
    }
}
