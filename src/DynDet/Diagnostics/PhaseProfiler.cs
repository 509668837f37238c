using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace DynDet.Diagnostics;

/// <summary>
/// Wall time per named phase of the training step (backbone, RPN loss, proposals, RoI head, backward, ...), for
/// <c>dyndet bench --profile</c>. Off by default: a disabled <see cref="Measure"/> costs one branch. CPU ops run
/// synchronously, so a phase's wall time is its cost; on a GPU the numbers are launch times only.
/// </summary>
public static class PhaseProfiler
{
    private static readonly Dictionary<string, (double Ms, long Count)> Totals = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Whether phases are recorded.</summary>
    public static bool Enabled { get; set; }

    /// <summary>Times the scope until disposed: <c>using (PhaseProfiler.Measure("rpn.loss")) { ... }</c>.</summary>
    public static Phase Measure(string name) => Enabled ? new Phase(name, Stopwatch.GetTimestamp()) : default;

    /// <summary>Forgets every recorded phase.</summary>
    public static void Reset()
    {
        lock (Gate)
        {
            Totals.Clear();
        }
    }

    /// <summary>A table of phases: total ms, calls, ms per call, share of <paramref name="totalMs"/>.</summary>
    public static string Report(double totalMs, int steps)
    {
        var text = new StringBuilder();
        lock (Gate)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{"phase",-28} {"ms/step",10} {"share",7}");
            foreach (var (name, (ms, _)) in Totals.OrderByDescending(p => p.Value.Ms))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{name,-28} {ms / steps,10:F1} {100 * ms / totalMs,6:F1}%");
            }
        }

        return text.ToString();
    }

    private static void Add(string name, long start)
    {
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        lock (Gate)
        {
            var (total, count) = Totals.GetValueOrDefault(name);
            Totals[name] = (total + ms, count + 1);
        }
    }

    /// <summary>One timed scope.</summary>
    public readonly struct Phase : IDisposable, IEquatable<Phase>
    {
        private readonly string? _name;
        private readonly long _start;

        internal Phase(string name, long start)
        {
            _name = name;
            _start = start;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (_name is not null)
            {
                Add(_name, _start);
            }
        }

        /// <inheritdoc />
        public bool Equals(Phase other) => _name == other._name && _start == other._start;

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is Phase p && Equals(p);

        /// <inheritdoc />
        public override int GetHashCode() => HashCode.Combine(_name, _start);

        /// <summary>Equality.</summary>
        public static bool operator ==(Phase left, Phase right) => left.Equals(right);

        /// <summary>Inequality.</summary>
        public static bool operator !=(Phase left, Phase right) => !left.Equals(right);
    }
}
