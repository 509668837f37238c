using System.Net;
using System.Net.Sockets;
using DynDet.Torch.Distributed;
using Xunit;

namespace DynDet.TestSupport;

/// <summary>
/// Runs a body on two ranks of a process group over 127.0.0.1: two threads of this process, each its own group
/// member (its own store client and gloo connections, as two processes would have).
/// </summary>
public static class TwoRanks
{
    /// <summary>Each rank's result, by rank; a rank's failure is rethrown here.</summary>
    public static T[] Run<T>(Func<ProcessGroup, int, T> body, TimeSpan? timeout = null)
    {
        int port = FreePort();
        var results = new T[2];
        var errors = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(rank => new Thread(() =>
        {
            try
            {
                using var group = ProcessGroup.Join("127.0.0.1", port, rank, 2, timeout ?? TimeSpan.FromSeconds(20));
                results[rank] = body(group, rank);
            }
#pragma warning disable CA1031 // rethrown on the test thread below
            catch (Exception e)
#pragma warning restore CA1031
            {
                errors[rank] = e;
            }
        })).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a rank did not finish");
        }

        foreach (var e in errors)
        {
            if (e is not null)
            {
                throw new InvalidOperationException("a rank failed", e);
            }
        }

        return results;
    }

    /// <summary>A TCP port free on 127.0.0.1 now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
