using System.Diagnostics;
using System.Globalization;

namespace DynDet.Diagnostics;

/// <summary>
/// A console progress line: <c>label  done/total  pct  rate/s  elapsed  ETA  detail</c>. On a terminal the line is
/// rewritten in place (carriage return) at most every <see cref="Interval"/>; when the output is redirected
/// (logs, CI) it prints a new line at most every <see cref="RedirectedInterval"/>, so logs stay short. The
/// rate and ETA use an exponential moving average of recent throughput, so they settle quickly after a slow
/// start (JIT, first batch). Thread-safe: <see cref="Report(long, string?)"/> may be called from worker threads.
/// </summary>
public sealed class ProgressReporter : IProgress<long>, IDisposable
{
    private readonly Lock _gate = new();
    private readonly TextWriter _writer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive;
    private TimeSpan _lastPrint = TimeSpan.MinValue;
    private TimeSpan _lastSample;
    private long _lastSampleDone;
    private double _rate = double.NaN;
    private int _lastLength;
    private bool _finished;

    /// <summary>Creates a reporter.</summary>
    /// <param name="label">What is counted, printed first (e.g. <c>synth</c>, <c>train</c>).</param>
    /// <param name="total">The count at completion (≥ 0; 0 means unknown: no percentage or ETA).</param>
    /// <param name="writer">Where to write; default standard error (so <c>--json</c> output on stdout stays clean).</param>
    /// <param name="interactive">Rewrite one line in place; default: true when <paramref name="writer"/> is the
    /// console's standard error and it is not redirected.</param>
    public ProgressReporter(string label, long total, TextWriter? writer = null, bool? interactive = null)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        Label = label;
        Total = total;
        _writer = writer ?? Console.Error;
        _interactive = interactive ?? (writer is null && !Console.IsErrorRedirected);
    }

    /// <summary>The label printed first.</summary>
    public string Label { get; }

    /// <summary>The count at completion (0 = unknown).</summary>
    public long Total { get; }

    /// <summary>Least time between two updates of an interactive line; default 0.2 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(0.2);

    /// <summary>Least time between two printed lines when output is redirected; default 10 s.</summary>
    public TimeSpan RedirectedInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unit of the rate, e.g. <c>img</c> or <c>it</c>; default <c>it</c>.</summary>
    public string Unit { get; init; } = "it";

    /// <summary>Time since the reporter was created.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Reports that <paramref name="done"/> items are complete.</summary>
    public void Report(long done) => Report(done, null);

    /// <summary>Reports that <paramref name="done"/> items are complete, with extra text for the end of the line.</summary>
    public void Report(long done, string? detail)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            TimeSpan now = _clock.Elapsed;
            UpdateRate(done, now);
            TimeSpan interval = _interactive ? Interval : RedirectedInterval;
            bool last = Total > 0 && done >= Total;
            if (!last && _lastPrint != TimeSpan.MinValue && now - _lastPrint < interval)
            {
                return;
            }

            _lastPrint = now;
            Print(Format(done, now, detail), final: false);
        }
    }

    /// <summary>Prints the final line (with <paramref name="summary"/> appended) and ends it with a newline.</summary>
    public void Complete(long done, string? summary = null)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            TimeSpan now = _clock.Elapsed;
            double rate = now.TotalSeconds > 0 ? done / now.TotalSeconds : 0;
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{Label} {Count(done)} in {FormatDuration(now)} ({FormatRate(rate)}){(summary is null ? "" : "  " + summary)}");
            Print(line, final: true);
        }
    }

    /// <summary>Ends an interactive line that was not completed, so later output starts on a fresh line.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_finished && _interactive && _lastLength > 0)
            {
                _writer.WriteLine();
                _writer.Flush();
            }

            _finished = true;
        }
    }

    /// <summary>Formats a duration as <c>m:ss</c>, or <c>h:mm:ss</c> from one hour.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        long seconds = (long)Math.Round(duration.TotalSeconds);
        return seconds >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:D2}:{seconds % 60:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:D2}");
    }

    private void UpdateRate(long done, TimeSpan now)
    {
        double seconds = (now - _lastSample).TotalSeconds;
        if (seconds < 0.5 && !double.IsNaN(_rate))
        {
            return;
        }

        double instant = seconds > 0 ? (done - _lastSampleDone) / seconds : 0;
        _rate = double.IsNaN(_rate) ? instant : 0.7 * _rate + 0.3 * instant;
        _lastSample = now;
        _lastSampleDone = done;
    }

    private string Format(long done, TimeSpan now, string? detail)
    {
        double rate = double.IsNaN(_rate) || _rate <= 0
            ? (now.TotalSeconds > 0 ? done / now.TotalSeconds : 0)
            : _rate;
        var text = new System.Text.StringBuilder();
        text.Append(Label).Append(' ').Append(Count(done));
        if (Total > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" {100.0 * done / Total,5:F1}%");
        }

        text.Append("  ").Append(FormatRate(rate)).Append("  ").Append(FormatDuration(now));
        if (Total > 0 && rate > 0)
        {
            text.Append(" ETA ").Append(FormatDuration(TimeSpan.FromSeconds(Math.Max(0, Total - done) / rate)));
        }

        if (!string.IsNullOrEmpty(detail))
        {
            text.Append("  ").Append(detail);
        }

        return text.ToString();
    }

    private string Count(long done) =>
        Total > 0 ? string.Create(CultureInfo.InvariantCulture, $"{done}/{Total}") : done.ToString(CultureInfo.InvariantCulture);

    private string FormatRate(double rate) => rate >= 10
        ? string.Create(CultureInfo.InvariantCulture, $"{rate:F0} {Unit}/s")
        : rate >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{rate:F1} {Unit}/s")
        : rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{1 / rate:F1} s/{Unit}")
        : $"- {Unit}/s";

    private void Print(string line, bool final)
    {
        if (_interactive)
        {
            int pad = Math.Max(0, _lastLength - line.Length);
            _writer.Write('\r');
            _writer.Write(line);
            _writer.Write(new string(' ', pad));
            _lastLength = line.Length;
            if (final)
            {
                _writer.WriteLine();
            }
        }
        else
        {
            _writer.WriteLine(line);
        }

        _writer.Flush();
    }
}
