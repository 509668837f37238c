using System.Runtime.InteropServices;
using DynDet.Torch.Serialization;

namespace DynDet.Cli;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM (what schedulers and <c>docker stop</c> send) into a cancellation
/// request: the command finishes its step, saves and exits with <see cref="ExitCode"/> (130 or 143, 128 + the
/// signal's number, as a shell reports a process killed by it). A second signal ends the process at once with its
/// own code, but only after the file write in flight, if any, has finished (<see cref="DurableFile.HoldWrites"/>),
/// so that it never leaves a temporary file behind.
/// </summary>
public sealed partial class ConsoleCancellation : IDisposable
{
    /// <summary>Exit status after Ctrl-C (SIGINT).</summary>
    public const int InterruptExitCode = 130;

    /// <summary>Exit status after SIGTERM.</summary>
    public const int TerminateExitCode = 143;

    // The first signal this process received, for CliRunner: a command that ends by OperationCanceledException
    // (eval, demo) exits with the signal's code like train does.
    private static int s_received;

    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _exitCode;
    private int _disposed;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public ConsoleCancellation() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    /// <summary>Cancelled after the first signal.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>130 after Ctrl-C, 143 after SIGTERM (the first signal received), null before either.</summary>
    public int? ExitCode => Volatile.Read(ref _exitCode) is int code and not 0 ? code : null;

    /// <summary>130 or 143 once any <see cref="ConsoleCancellation"/> of this process got its first signal, else null.</summary>
    public static int? ReceivedExitCode => Volatile.Read(ref s_received) is int code and not 0 ? code : null;

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    /// <summary>The signal handler (internal for tests).</summary>
    internal void OnSignal(PosixSignalContext context)
    {
        // A signal dispatched while this instance was being disposed (a data-parallel worker that stopped on the
        // ranks' agreement just as the launcher's forwarded SIGTERM arrived) still reaches this handler. The command
        // is over: leave the signal to a listening instance, or, with none, to the default (end the process).
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        context.Cancel = true;
        bool terminate = context.Signal == PosixSignal.SIGTERM;
        int code = terminate ? TerminateExitCode : InterruptExitCode;
        if (Interlocked.CompareExchange(ref _exitCode, code, 0) != 0)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"{(terminate ? "SIGTERM" : "interrupt")} again: quitting now (after the file being written, if any)");
            DurableFile.HoldWrites();
            Console.Out.Flush();
            Console.Error.Flush();
            // _exit, not Environment.Exit: the latter runs libtorch's static destructors while the training thread
            // is still inside libtorch, which corrupts the native heap ("corrupted double-linked list", SIGABRT).
            // Nothing is lost: no file write is in flight (held above) and every finished one is already durable.
            ExitNow(code);
            return;
        }

        Interlocked.CompareExchange(ref s_received, code, 0);
        Console.Error.WriteLine();
        Console.Error.WriteLine(terminate
            ? "SIGTERM: finishing this step and saving a checkpoint (SIGTERM again to quit at once)"
            : "interrupt: finishing this step and saving a checkpoint (Ctrl-C again to quit at once)");
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check above and here: the command has already finished.
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "_exit")]
    private static partial void ExitNow(int status);
}
