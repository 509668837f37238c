using DynDet.Torch.Native;

namespace DynDet.Torch.Distributed;

/// <summary>
/// A group of processes training together, as <c>torch.distributed</c>'s gloo backend: c10d's <c>TCPStore</c> (served
/// by rank 0 at the master address and port) for the rendezvous and <c>ProcessGroupGloo</c> for the collectives, from
/// Debian's libtorch. Collectives are synchronous and work in place on dense contiguous CPU tensors of the same shape
/// and dtype on every rank; one that fails, because a peer died or <see cref="Timeout"/> passed, throws a
/// <see cref="TorchException"/> whose one-line message names the operation and this rank. Not thread-safe: one caller
/// at a time, every rank calling the same collectives in the same order.
/// </summary>
public sealed class ProcessGroup : IDisposable
{
    private IntPtr _handle;

    private ProcessGroup(IntPtr handle, int rank, int worldSize, TimeSpan timeout)
    {
        _handle = handle;
        Rank = rank;
        WorldSize = worldSize;
        Timeout = timeout;
    }

    /// <summary>This process's rank in [0, <see cref="WorldSize"/>).</summary>
    public int Rank { get; }

    /// <summary>The number of processes.</summary>
    public int WorldSize { get; }

    /// <summary>How long the rendezvous and each collective may wait for the others.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Joins the group: blocks until all <paramref name="worldSize"/> processes have joined at
    /// <paramref name="host"/>:<paramref name="port"/> or <paramref name="timeout"/> passed.
    /// </summary>
    /// <param name="host">The master address (rank 0's machine; <c>127.0.0.1</c> for workers on one machine).</param>
    /// <param name="port">The master port in [1, 65535], free on rank 0's machine.</param>
    /// <param name="rank">This process's rank in [0, worldSize).</param>
    /// <param name="worldSize">Processes in the group (≥ 1).</param>
    /// <param name="timeout">Rendezvous and collective timeout (&gt; 0).</param>
    public static ProcessGroup Join(string host, int port, int rank, int worldSize, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, worldSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the timeout must be positive");
        }

        Check.Status(NativeMethods.dd_pg_create(host, port, rank, worldSize, (long)Math.Ceiling(timeout.TotalMilliseconds), out IntPtr handle));
        return new ProcessGroup(handle, rank, worldSize, timeout);
    }

    /// <summary>Replaces <paramref name="tensor"/> on every rank by the element-wise <paramref name="op"/> of all ranks' tensors.</summary>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Check.Status(NativeMethods.dd_pg_all_reduce(Handle, tensor.RawHandle, (int)op));
    }

    /// <summary>Replaces <paramref name="tensor"/> on every rank by rank <paramref name="root"/>'s.</summary>
    public void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Check.Status(NativeMethods.dd_pg_broadcast(Handle, tensor.RawHandle, root));
    }

    /// <summary>Every rank's <paramref name="input"/>, in rank order (new tensors, in the caller's scope).</summary>
    public Tensor[] AllGather(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var handles = new IntPtr[WorldSize];
        Check.Status(NativeMethods.dd_pg_all_gather(Handle, input.RawHandle, handles));
        return [.. handles.Select(h => new Tensor(h))];
    }

    /// <summary>Waits until every rank reached its barrier.</summary>
    public void Barrier() => Check.Status(NativeMethods.dd_pg_barrier(Handle));

    /// <summary>Leaves the group (closes this rank's connections).</summary>
    public void Dispose()
    {
        if (_handle != IntPtr.Zero)
        {
            NativeMethods.dd_pg_free(_handle);
            _handle = IntPtr.Zero;
        }
    }

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(ProcessGroup));
}
