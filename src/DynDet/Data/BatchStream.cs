using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace DynDet.Data;

/// <summary>
/// Batches of a <see cref="DataLoader"/> prepared ahead on background threads. Worker k of W prepares batches
/// first + k, first + k + W, ... into its own bounded queue, and the consumer takes batch n from queue
/// (n − first) mod W, so batches arrive in order whatever the thread timing. An error while preparing a batch
/// (a corrupt image, say) is rethrown when the consumer reaches that batch. <see cref="Dispose"/> stops the
/// workers and releases every batch not taken; batches taken are the caller's to dispose.
/// </summary>
public sealed class BatchStream : IDisposable
{
    private readonly DataLoader _loader;
    private readonly long _first;
    private readonly long _end;
    private readonly BlockingCollection<Item>[] _queues;
    private readonly Thread[] _threads;
    private readonly CancellationTokenSource _stop = new();
    private ExceptionDispatchInfo? _failure;
    private bool _disposed;

    internal BatchStream(DataLoader loader, long first, long end, int workers, int prefetch)
    {
        _loader = loader;
        _first = first;
        _end = end;
        Next = first;
        int capacity = workers == 0 ? 1 : Math.Max(1, (prefetch + workers - 1) / workers);
        _queues = new BlockingCollection<Item>[workers];
        _threads = new Thread[workers];
        for (int k = 0; k < workers; k++)
        {
            _queues[k] = new BlockingCollection<Item>(new ConcurrentQueue<Item>(), capacity);
            int worker = k;
            _threads[k] = new Thread(() => Work(worker))
            {
                IsBackground = true,
                Name = $"DynDet loader {k}",
            };
        }

        foreach (Thread thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>The number of the next batch <see cref="TryTake"/> returns.</summary>
    public long Next { get; private set; }

    /// <summary>
    /// Takes the next batch, waiting for it if needed; false when the stream has delivered all its batches.
    /// The caller owns (disposes) the batch.
    /// </summary>
    /// <exception cref="InputException">Preparing the batch hit bad data (rethrown as it was raised).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled while waiting.</exception>
    public bool TryTake([NotNullWhen(true)] out DetectionBatch? batch, CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _failure?.Throw();
        batch = null;
        if (Next >= _end)
        {
            return false;
        }

        if (_threads.Length == 0)
        {
            batch = _loader.MakeBatch(Next);
            Next++;
            return true;
        }

        BlockingCollection<Item> queue = _queues[(int)((Next - _first) % _threads.Length)];
        Item item = queue.Take(cancellation);
        if (item.Failure is not null)
        {
            _failure = item.Failure;
            item.Failure.Throw();
        }

        batch = item.Batch!;
        Next++;
        return true;
    }

    /// <summary>Stops the workers, waits for them, and releases every batch prepared but not taken.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        foreach (BlockingCollection<Item> queue in _queues)
        {
            while (queue.TryTake(out Item item))
            {
                item.Batch?.Dispose();
            }

            queue.Dispose();
        }

        _stop.Dispose();
    }

    private void Work(int worker)
    {
        BlockingCollection<Item> queue = _queues[worker];
        CancellationToken stop = _stop.Token;
        try
        {
            for (long number = _first + worker; number < _end && !stop.IsCancellationRequested; number += _threads.Length)
            {
                Item item;
#pragma warning disable CA1031 // any failure is handed to the consumer, which rethrows it at this batch
                try
                {
                    item = new Item(_loader.MakeBatch(number), null);
                }
                catch (Exception e)
                {
                    item = new Item(null, ExceptionDispatchInfo.Capture(e));
                }
#pragma warning restore CA1031

                try
                {
                    queue.Add(item, stop);
                }
                catch (OperationCanceledException)
                {
                    item.Batch?.Dispose();
                    return;
                }

                if (item.Failure is not null)
                {
                    return;
                }
            }
        }
        finally
        {
            queue.CompleteAdding();
        }
    }

    private readonly record struct Item(DetectionBatch? Batch, ExceptionDispatchInfo? Failure);
}
