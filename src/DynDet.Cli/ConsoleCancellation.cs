namespace DynDet.Cli;

/// <summary>
/// Turns the first Ctrl-C into a cancellation request (the command finishes its step, saves and exits); a
/// second Ctrl-C ends the process at once, as usual.
/// </summary>
public sealed class ConsoleCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    /// <summary>Starts listening for Ctrl-C.</summary>
    public ConsoleCancellation() => Console.CancelKeyPress += OnCancel;

    /// <summary>Cancelled after the first Ctrl-C.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested)
        {
            return;
        }

        e.Cancel = true;
        Console.Error.WriteLine();
        Console.Error.WriteLine("interrupt: finishing this step and saving a checkpoint (Ctrl-C again to quit at once)");
        _source.Cancel();
    }
}
