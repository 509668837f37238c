using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// Statistics of successive iterations, kept as 0-d tensors until they are needed so that recording one
/// costs no synchronisation; read in one go at update or checkpoint time. Owns its tensors.
/// </summary>
internal sealed class StatisticHistory : IDisposable
{
    private readonly List<Tensor> _pending = [];
    private readonly List<double> _values = [];

    /// <summary>Number of statistics recorded since the last <see cref="Clear"/>.</summary>
    public int Count => _pending.Count + _values.Count;

    /// <summary>Records a 0-d statistic (detached, copied: the caller keeps its tensor).</summary>
    public void Add(Tensor statistic)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var copy = statistic.Detach().To(ScalarType.Float64, copy: true).Reshape(1);
        _pending.Add(scope.Detach(copy));
    }

    /// <summary>Records a statistic already read as a number (restored state).</summary>
    public void Add(double value) => _values.Add(value);

    /// <summary>All statistics, oldest first (one synchronisation for the pending ones).</summary>
    public double[] Values()
    {
        if (_pending.Count > 0)
        {
            using var scope = Engine.NewDisposeScope();
            using var stacked = Tensor.Cat(_pending);
            _values.AddRange(stacked.To(Device.Cpu).ToArray<double>());
            foreach (var t in _pending)
            {
                t.Dispose();
            }

            _pending.Clear();
        }

        return _values.ToArray();
    }

    /// <summary>Forgets every statistic.</summary>
    public void Clear()
    {
        foreach (var t in _pending)
        {
            t.Dispose();
        }

        _pending.Clear();
        _values.Clear();
    }

    /// <inheritdoc />
    public void Dispose() => Clear();
}
