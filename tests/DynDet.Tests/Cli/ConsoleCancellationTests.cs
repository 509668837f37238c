using System.Runtime.InteropServices;
using DynDet.Cli;

namespace DynDet.Tests.Cli;

public sealed class ConsoleCancellationTests
{
    [Fact]
    public void A_signal_that_reaches_a_disposed_instance_is_left_to_the_default_not_a_crash()
    {
        // A data-parallel worker that stopped on the ranks' agreement disposed its instance just as the launcher's
        // forwarded SIGTERM arrived: the handler ran on the disposed token source and the worker died (status 134).
        var cancellation = new ConsoleCancellation();
        cancellation.Dispose();
        var context = new PosixSignalContext(PosixSignal.SIGTERM);
        cancellation.OnSignal(context);
        Assert.False(context.Cancel);
        Assert.Null(cancellation.ExitCode);
        cancellation.Dispose(); // twice is harmless
        // (The first signal's path is tested end to end through ./dyndet in SignalExitCodeTests: it sets a process-wide
        // code that in-process command tests would then see.)
    }
}
