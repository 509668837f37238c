using System.Globalization;
using DynDet.Config;
using DynDet.Data;
using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// Multi-scale loss balancing of one head (SPEC §7.1, Luo et al.): AVW and RLO. Each step it observes the head's loss
/// per pyramid level <c>L_{i,m}</c> (the sum of the head's per-level terms, as published under
/// <c>{source}.level_losses</c>; a detached tensor, not read then); every α steps it reads the interval's values in
/// one go and, for interval t:
/// <list type="number">
/// <item>interval losses <c>𝓛_{i,t} = Σ_m L_{i,m}</c> (Eq. 2) and unbiased variances
/// <c>Var_{i,t} = Σ_m (L_{i,m} − 𝓛_{i,t}/α)² / (α − 1)</c> (Eq. 3);</item>
/// <item>variance reduction rates <c>r_{i,t} = (Var_{i,t−1} − Var_{i,t}) / (Var_{i,t−1} + ε)</c> with
/// <c>Var_{i,0} = 1</c> (Eq. 4);</item>
/// <item>RLO from t = 2 on: the reward of the previous action <c>R = sign(Σ_i 𝓛_{i,t−1} − Σ_i 𝓛_{i,t})</c> (Eq. 7),
/// then <c>p_k ← brelu(p_k ± γ)</c> (+ only for R &gt; 0: R = 0 punishes) and every other enabled action
/// <c>p_q ← p_q (1 − p_k,new) / (1 − p_k,old)</c> (Eq. 9); at t = 1 there is no previous action, so no reward
/// and no update;</item>
/// <item>the action: AVW always a0; RLO draws one from the probabilities with its own PCG32 (seeded by the
/// training seed, its stream by the instance's name), one uniform number per interval;</item>
/// <item>the weights for the next α steps: a0/a1/a2 pick N levels (largest r / smallest 𝓛 / largest 𝓛; ties to the
/// finer level) and set <c>w_j = 1 + λ_j 𝓛_{j,t} / Σ_i 𝓛_{i,t}</c> (Eq. 5), every other level 1; a3 sets all to 1.</item>
/// </list>
/// The weights are plain numbers (a tensor without gradient, remade only when they change) that
/// <see cref="Training.LevelBalancedLossWeighting"/> applies as <c>Σ_i w_i L_i</c>; while all are 1 the step
/// back-propagates the detector's own total. The whole state is in <see cref="SaveState"/>.
/// </summary>
public sealed class LevelBalancer : ITrainingStrategy, IDisposable
{
    /// <summary>Name (after the head's prefix) of the per-level loss terms the training step publishes for a head.</summary>
    public const string LevelLosses = "level_losses";

    /// <summary>The number of RLO actions (a0–a3).</summary>
    public const int ActionCount = 4;

    private readonly LevelBalancerConfig _config;
    private readonly bool[] _enabled = new bool[ActionCount];
    private readonly List<Tensor> _pendingHistory = [];
    private readonly List<double[]> _history = [];
    private Pcg32 _rng;
    private Tensor? _pending;
    private Tensor? _weightTensor;

    /// <summary>Creates the balancer of a head with <paramref name="levels"/> levels.</summary>
    /// <param name="config">Method and hyper-parameters (validated: N &lt;= levels, distinct actions, ordered bounds).</param>
    /// <param name="source">The head whose per-level losses it reads and weighs (<c>rpn</c>, <c>roi_head</c>, <c>bbox_head</c>).</param>
    /// <param name="levels">The head's pyramid levels (5 for P3–P7 or P2–P6, 4 for the R-CNN head's P2–P5).</param>
    /// <param name="firstLevel">The pyramid index of the first level (3 for P3), for names only.</param>
    /// <param name="seed">The training seed; RLO's draws come from PCG32(seed, stream from <see cref="Name"/>).</param>
    public LevelBalancer(LevelBalancerConfig config, string source, int levels, int firstLevel, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(config.Interval, 2);
        if (config.Amplification.Count < 1 || config.Amplification.Count > levels)
        {
            throw new ArgumentException($"{config.Amplification.Count} amplification factors for {levels} levels (need 1 to {levels})", nameof(config));
        }

        _config = config;
        Source = source;
        Levels = levels;
        FirstLevel = firstLevel;
        Name = $"{source}.{(config.Method == LevelBalancerMethod.Avw ? "avw" : "rlo")}";
        IEnumerable<BalancerAction> actions = config.Method == LevelBalancerMethod.Avw ? [BalancerAction.A0] : config.Actions;
        foreach (var action in actions)
        {
            _enabled[(int)action] = true;
        }

        int count = _enabled.Count(e => e);
        if (count == 0)
        {
            throw new ArgumentException("no action enabled", nameof(config));
        }

        Probabilities = _enabled.Select(e => e ? 1.0 / count : 0.0).ToArray();
        Weights = Enumerable.Repeat(1.0, levels).ToArray();
        IntervalLosses = new double[levels];
        Variances = Enumerable.Repeat(1.0, levels).ToArray();
        ReductionRates = new double[levels];
        _rng = new Pcg32(seed, Stream(Name));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The head whose per-level losses it balances.</summary>
    public string Source { get; }

    /// <summary>The head's number of levels.</summary>
    public int Levels { get; }

    /// <summary>The pyramid index of the first level (names only).</summary>
    public int FirstLevel { get; }

    /// <summary>AVW or RLO.</summary>
    public LevelBalancerMethod Method => _config.Method;

    /// <summary>α.</summary>
    public int Interval => _config.Interval;

    /// <summary>Intervals completed (t; 0 before the first update).</summary>
    public int Intervals { get; private set; }

    /// <summary>The weights w_i in effect (finest level first; all 1 until the first update).</summary>
    public double[] Weights { get; private set; }

    /// <summary>p_0..p_3 (disabled actions 0; AVW: p_0 = 1).</summary>
    public double[] Probabilities { get; private set; }

    /// <summary>𝓛_{i,t} of the last completed interval (0 before the first).</summary>
    public double[] IntervalLosses { get; private set; }

    /// <summary>Var_{i,t} of the last completed interval (Var_{i,0} = 1 before the first).</summary>
    public double[] Variances { get; private set; }

    /// <summary>r_{i,t} of the last completed interval (0 before the first).</summary>
    public double[] ReductionRates { get; private set; }

    /// <summary>The action taken at the last update (null before the first).</summary>
    public BalancerAction? LastAction { get; private set; }

    /// <summary>The reward of the action before it, given at the last update (0 until there is one).</summary>
    public double LastReward { get; private set; }

    /// <summary>The levels (0-based, in the action's order) the last action enhanced.</summary>
    public int[] Selected { get; private set; } = [];

    /// <summary>Steps observed in the current interval.</summary>
    public int HistoryCount => _pendingHistory.Count + _history.Count;

    /// <summary>Whether every weight is exactly 1 (the step then back-propagates the detector's own total).</summary>
    public bool IsUnit => Weights.All(w => w == 1.0);

    /// <summary>The RNG's state now (for tests and checkpoints).</summary>
    public ulong RngState => _rng.State;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Current
    {
        get
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = 0; i < Levels; i++)
            {
                values[$"{Source}.w_{LevelName(i)}"] = Weights[i];
            }

            if (Method == LevelBalancerMethod.Rlo)
            {
                for (int k = 0; k < ActionCount; k++)
                {
                    values[string.Create(CultureInfo.InvariantCulture, $"{Source}.p{k}")] = Probabilities[k];
                }
            }

            return values;
        }
    }

    /// <summary><c>p3</c> for level 0 of a head starting at P3.</summary>
    public string LevelName(int level) => string.Create(CultureInfo.InvariantCulture, $"p{FirstLevel + level}");

    /// <inheritdoc />
    public void Observe(StepStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var terms = statistics.Get($"{Source}.{LevelLosses}");
        if (terms.Count == 0 || terms.Any(t => t.Dim != 1 || t.Size(0) != Levels))
        {
            throw new InvalidOperationException(
                $"{Name}: {Source}'s per-level losses are not {Levels} values each ({string.Join(", ", terms.Select(t => $"[{string.Join(", ", t.Shape)}]"))})");
        }

        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        // L_{i,m}: the sum of the head's terms at each level, in float64 (the state is kept in doubles).
        var sum = terms.Count == 1 ? terms[0].To(ScalarType.Float64, copy: true) : Tensor.Stack(terms.ToArray()).To(ScalarType.Float64).Sum(0);
        SetPending(scope.Detach(sum));
    }

    /// <inheritdoc />
    public void Synchronize(IStatisticReducer reducer)
    {
        ArgumentNullException.ThrowIfNull(reducer);
        if (_pending is not null)
        {
            SetPending(reducer.Mean(_pending));
        }
    }

    /// <inheritdoc />
    public StrategyUpdate? Update(long iteration)
    {
        if (_pending is not null)
        {
            _pendingHistory.Add(_pending);
            _pending = null;
        }

        if (HistoryCount < Interval)
        {
            return null;
        }

        double[][] steps = ReadHistory();
        ClearHistory();
        double total = Advance(steps);
        return new StrategyUpdate(Name, iteration, UpdateValues(), total, steps.Length);
    }

    /// <summary>
    /// The weights as a 1-d tensor of <paramref name="dtype"/> on <paramref name="device"/>, without gradient, owned by
    /// the balancer (do not dispose; valid until the next update); made again only when the weights change.
    /// </summary>
    public Tensor WeightTensor(Device device, ScalarType dtype)
    {
        if (_weightTensor is null || _weightTensor.Device != device || _weightTensor.Dtype != dtype)
        {
            _weightTensor?.Dispose();
            using var scope = Engine.NewDisposeScope();
            _weightTensor = scope.Detach(Tensor.FromArray(Weights).To(dtype).To(device));
        }

        return _weightTensor;
    }

    /// <inheritdoc />
    public StrategyState SaveState()
    {
        double[][] steps = ReadHistory();
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["t"] = Intervals,
            ["last_action"] = LastAction is { } a ? (int)a : -1,
            ["last_reward"] = LastReward,
            ["rng_state_hi"] = _rng.State >> 32,
            ["rng_state_lo"] = _rng.State & 0xFFFFFFFFUL,
            ["rng_increment_hi"] = _rng.Increment >> 32,
            ["rng_increment_lo"] = _rng.Increment & 0xFFFFFFFFUL,
            ["selected"] = Selected.Length,
        };
        for (int j = 0; j < Selected.Length; j++)
        {
            values[string.Create(CultureInfo.InvariantCulture, $"selected_{j}")] = Selected[j];
        }

        for (int k = 0; k < ActionCount; k++)
        {
            values[string.Create(CultureInfo.InvariantCulture, $"p{k}")] = Probabilities[k];
        }

        for (int i = 0; i < Levels; i++)
        {
            string level = LevelName(i);
            values[$"w_{level}"] = Weights[i];
            values[$"sum_{level}"] = IntervalLosses[i];
            values[$"var_{level}"] = Variances[i];
            values[$"r_{level}"] = ReductionRates[i];
        }

        var histories = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        for (int i = 0; i < Levels; i++)
        {
            histories[$"loss_{LevelName(i)}"] = steps.Select(s => s[i]).ToArray();
        }

        return new StrategyState(values, histories);
    }

    /// <inheritdoc />
    public void LoadState(StrategyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var v = state.Values;
        double Get(string key) => v.TryGetValue(key, out double x)
            ? x
            : throw new InvalidOperationException($"{Name}: the saved state has no '{key}' (saved by another balancer?)");
        var histories = Enumerable.Range(0, Levels).Select(i => state.Histories.TryGetValue($"loss_{LevelName(i)}", out var h)
            ? h
            : throw new InvalidOperationException($"{Name}: the saved state has no history of level {LevelName(i)}")).ToArray();
        Intervals = (int)Get("t");
        int action = (int)Get("last_action");
        LastAction = action < 0 ? null : (BalancerAction)action;
        LastReward = Get("last_reward");
        _rng = Pcg32.Restore(((ulong)Get("rng_state_hi") << 32) | (ulong)Get("rng_state_lo"),
            ((ulong)Get("rng_increment_hi") << 32) | (ulong)Get("rng_increment_lo"));
        Selected = Enumerable.Range(0, (int)Get("selected"))
            .Select(j => (int)Get(string.Create(CultureInfo.InvariantCulture, $"selected_{j}"))).ToArray();
        Probabilities = Enumerable.Range(0, ActionCount).Select(k => Get(string.Create(CultureInfo.InvariantCulture, $"p{k}"))).ToArray();
        Weights = Enumerable.Range(0, Levels).Select(i => Get($"w_{LevelName(i)}")).ToArray();
        IntervalLosses = Enumerable.Range(0, Levels).Select(i => Get($"sum_{LevelName(i)}")).ToArray();
        Variances = Enumerable.Range(0, Levels).Select(i => Get($"var_{LevelName(i)}")).ToArray();
        ReductionRates = Enumerable.Range(0, Levels).Select(i => Get($"r_{LevelName(i)}")).ToArray();
        InvalidateWeightTensor();
        ClearHistory();
        int steps = histories[0].Count;
        for (int m = 0; m < steps; m++)
        {
            _history.Add(histories.Select(h => h[m]).ToArray());
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _pending?.Dispose();
        _pending = null;
        ClearHistory();
        InvalidateWeightTensor();
    }

    /// <summary>FNV-1a of the name: each instance (<c>rpn.rlo</c>, <c>roi_head.rlo</c>) draws from its own stream.</summary>
    internal static ulong Stream(string name)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(name))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return hash;
    }

    /// <summary>One interval's end (Algorithm 1, lines 6–11); returns Σ_i 𝓛_{i,t}.</summary>
    private double Advance(double[][] steps)
    {
        int n = steps.Length;
        var sums = new double[Levels];
        var variances = new double[Levels];
        var rates = new double[Levels];
        for (int i = 0; i < Levels; i++)
        {
            double sum = 0;
            for (int m = 0; m < n; m++)
            {
                sum += steps[m][i];
            }

            double mean = sum / n;
            double squares = 0;
            for (int m = 0; m < n; m++)
            {
                double d = steps[m][i] - mean;
                squares += d * d;
            }

            sums[i] = sum;
            variances[i] = squares / (n - 1);
            rates[i] = (Variances[i] - variances[i]) / (Variances[i] + _config.Eps);
        }

        double previousTotal = Total(IntervalLosses);
        double total = Total(sums);
        Intervals++;
        if (Intervals >= 2)
        {
            // Eq. 7: +1 when the total interval loss fell; 0 (no change) counts as a punishment below.
            LastReward = Math.Sign(previousTotal - total);
            if (LastAction is { } previous)
            {
                Reward((int)previous, LastReward > 0);
            }
        }

        IntervalLosses = sums;
        Variances = variances;
        ReductionRates = rates;
        var action = Method == LevelBalancerMethod.Avw ? BalancerAction.A0 : Draw();
        LastAction = action;
        Selected = action switch
        {
            BalancerAction.A0 => Pick(rates, largest: true),
            BalancerAction.A1 => Pick(sums, largest: false),
            BalancerAction.A2 => Pick(sums, largest: true),
            _ => [],
        };
        var weights = Enumerable.Repeat(1.0, Levels).ToArray();
        for (int j = 0; j < Selected.Length; j++)
        {
            // Eq. 5; a head with no loss at all in the interval (Σ 𝓛 = 0) keeps every weight at 1.
            weights[Selected[j]] = 1 + _config.Amplification[j] * (total > 0 ? sums[Selected[j]] / total : 0);
        }

        if (!weights.SequenceEqual(Weights))
        {
            Weights = weights;
            InvalidateWeightTensor();
        }

        return total;
    }

    /// <summary>Eq. 9 for the previous action <paramref name="k"/>: brelu(p_k ± γ), the others rescaled to sum to 1.</summary>
    private void Reward(int k, bool positive)
    {
        if (_enabled.Count(e => e) < 2)
        {
            // One action (AVW, or RLO pinned): its probability is 1 and nothing can be rescaled.
            return;
        }

        double old = Probabilities[k];
        double min = _config.ProbabilityBounds[0], max = _config.ProbabilityBounds[1];
        double updated = Math.Min(Math.Max(positive ? old + _config.RewardStep : old - _config.RewardStep, min), max);
        var p = (double[])Probabilities.Clone();
        for (int q = 0; q < ActionCount; q++)
        {
            if (q != k && _enabled[q])
            {
                p[q] = p[q] * (1 - updated) / (1 - old);
            }
        }

        p[k] = updated;
        Probabilities = p;
    }

    /// <summary>A_t from the probabilities: one uniform u in [0, 1), the first action whose cumulative probability exceeds it.</summary>
    private BalancerAction Draw()
    {
        double u = _rng.NextDouble();
        double cumulative = 0;
        int last = -1;
        for (int k = 0; k < ActionCount; k++)
        {
            if (!_enabled[k])
            {
                continue;
            }

            last = k;
            cumulative += Probabilities[k];
            if (u < cumulative)
            {
                return (BalancerAction)k;
            }
        }

        // Rounding left Σ p a hair under 1 and u fell in the gap.
        return (BalancerAction)last;
    }

    /// <summary>The N levels with the largest (or smallest) values, in that order; ties go to the finer level.</summary>
    private int[] Pick(double[] values, bool largest) =>
        Enumerable.Range(0, Levels)
            .OrderBy(i => largest ? -values[i] : values[i])
            .ThenBy(i => i)
            .Take(_config.Amplification.Count)
            .ToArray();

    private static double Total(double[] values)
    {
        double total = 0;
        foreach (double v in values)
        {
            total += v;
        }

        return total;
    }

    private Dictionary<string, double> UpdateValues()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["t"] = Intervals,
            ["action"] = (int)LastAction!.Value,
            ["reward"] = LastReward,
        };
        for (int j = 0; j < Selected.Length; j++)
        {
            values[string.Create(CultureInfo.InvariantCulture, $"selected_{j}")] = FirstLevel + Selected[j];
        }

        for (int k = 0; k < ActionCount; k++)
        {
            values[string.Create(CultureInfo.InvariantCulture, $"p{k}")] = Probabilities[k];
        }

        for (int i = 0; i < Levels; i++)
        {
            string level = LevelName(i);
            values[$"w_{level}"] = Weights[i];
            values[$"sum_{level}"] = IntervalLosses[i];
            values[$"var_{level}"] = Variances[i];
            values[$"r_{level}"] = ReductionRates[i];
        }

        return values;
    }

    /// <summary>Every step of the current interval, oldest first (one read for the steps not read yet).</summary>
    private double[][] ReadHistory()
    {
        if (_pendingHistory.Count > 0)
        {
            using var scope = Engine.NewDisposeScope();
            double[] flat = Tensor.Stack([.. _pendingHistory]).To(Device.Cpu).ToArray<double>();
            for (int m = 0; m < _pendingHistory.Count; m++)
            {
                _history.Add(flat[(m * Levels)..((m + 1) * Levels)]);
                _pendingHistory[m].Dispose();
            }

            _pendingHistory.Clear();
        }

        return [.. _history];
    }

    private void ClearHistory()
    {
        foreach (var t in _pendingHistory)
        {
            t.Dispose();
        }

        _pendingHistory.Clear();
        _history.Clear();
    }

    private void InvalidateWeightTensor()
    {
        _weightTensor?.Dispose();
        _weightTensor = null;
    }

    private void SetPending(Tensor statistic)
    {
        var previous = _pending;
        _pending = statistic.DetachFromDisposeScope();
        previous?.Dispose();
    }
}
