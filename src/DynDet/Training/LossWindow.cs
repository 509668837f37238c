using System.Diagnostics;

namespace DynDet.Training;

/// <summary>
/// Loss values of the iterations since the last log line, for means and the time per iteration; per-level terms
/// are averaged level by level.
/// </summary>
internal sealed class LossWindow
{
    private readonly Dictionary<string, double> _sums = [];
    private readonly Dictionary<string, double[]> _levelSums = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _count;

    /// <summary>The most recent step's values.</summary>
    public IReadOnlyDictionary<string, double>? Latest { get; private set; }

    /// <summary>Adds one step's terms and, when given, its per-level values (term → one value per level).</summary>
    public void Add(IReadOnlyDictionary<string, double> values, IReadOnlyDictionary<string, double[]>? levels = null)
    {
        foreach (var (k, v) in values)
        {
            _sums[k] = _sums.GetValueOrDefault(k) + v;
        }

        foreach (var (k, v) in levels ?? new Dictionary<string, double[]>())
        {
            if (!_levelSums.TryGetValue(k, out var sums))
            {
                sums = new double[v.Length];
                _levelSums[k] = sums;
            }

            for (int l = 0; l < v.Length; l++)
            {
                sums[l] += v[l];
            }
        }

        _count++;
        Latest = values;
    }

    public Dictionary<string, double> Means() =>
        _sums.ToDictionary(p => p.Key, p => _count == 0 ? double.NaN : p.Value / _count);

    /// <summary>Per-level term → the mean of each level over the window.</summary>
    public Dictionary<string, IReadOnlyList<double>> LevelMeans() =>
        _levelSums.ToDictionary(p => p.Key, p => (IReadOnlyList<double>)p.Value.Select(v => _count == 0 ? double.NaN : v / _count).ToArray());

    public double SecondsPerIteration() => _count == 0 ? double.NaN : _clock.Elapsed.TotalSeconds / _count;

    public void Reset()
    {
        _sums.Clear();
        _levelSums.Clear();
        _count = 0;
        _clock.Restart();
    }
}
