using System.Diagnostics;

namespace DynDet.Training;

/// <summary>Loss values of the iterations since the last log line, for means and the time per iteration.</summary>
internal sealed class LossWindow
{
    private readonly Dictionary<string, double> _sums = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _count;

    /// <summary>The most recent step's values.</summary>
    public IReadOnlyDictionary<string, double>? Latest { get; private set; }

    public void Add(IReadOnlyDictionary<string, double> values)
    {
        foreach (var (k, v) in values)
        {
            _sums[k] = _sums.GetValueOrDefault(k) + v;
        }

        _count++;
        Latest = values;
    }

    public Dictionary<string, double> Means() =>
        _sums.ToDictionary(p => p.Key, p => _count == 0 ? double.NaN : p.Value / _count);

    public double SecondsPerIteration() => _count == 0 ? double.NaN : _clock.Elapsed.TotalSeconds / _count;

    public void Reset()
    {
        _sums.Clear();
        _count = 0;
        _clock.Restart();
    }
}
