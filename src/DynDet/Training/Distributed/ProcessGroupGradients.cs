using DynDet.Torch;
using DynDet.Torch.Distributed;

namespace DynDet.Training.Distributed;

/// <summary>
/// The gradient reducer of a data-parallel run, as PyTorch DDP's: gradients packed into buckets of about
/// <see cref="BucketBytes"/> (in order, one dtype per bucket), each bucket summed over the group with one all-reduce,
/// divided by the world size and copied back, so every rank ends the step with the average gradient. Every rank must
/// pass the same gradients in the same order.
/// </summary>
public sealed class ProcessGroupGradients : IGradientReducer
{
    /// <summary>DDP's default bucket size (25 MiB).</summary>
    public const long DefaultBucketBytes = 25L << 20;

    private readonly ProcessGroup _group;

    /// <summary>Reduces over <paramref name="group"/> in buckets of about <paramref name="bucketBytes"/> (&gt; 0).</summary>
    public ProcessGroupGradients(ProcessGroup group, long bucketBytes = DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketBytes);
        _group = group;
        BucketBytes = bucketBytes;
    }

    /// <summary>Target size of a bucket in bytes (a single larger gradient is a bucket of its own).</summary>
    public long BucketBytes { get; }

    /// <inheritdoc />
    public void Reduce(IReadOnlyList<Tensor> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (_group.WorldSize == 1)
        {
            return;
        }

        var bucket = new List<Tensor>();
        long bytes = 0;
        foreach (var gradient in gradients)
        {
            long size = gradient.NumElements * ScalarTypes.ElementSize(gradient.Dtype);
            if (bucket.Count > 0 && (bytes + size > BucketBytes || bucket[0].Dtype != gradient.Dtype))
            {
                Flush(bucket);
                bucket.Clear();
                bytes = 0;
            }

            bucket.Add(gradient);
            bytes += size;
        }

        if (bucket.Count > 0)
        {
            Flush(bucket);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<bool> WithGradientAnywhere(IReadOnlyList<bool> here)
    {
        ArgumentNullException.ThrowIfNull(here);
        if (_group.WorldSize == 1 || here.Count == 0)
        {
            return here;
        }

        // A host-side mask on a CPU tensor: the all-reduce and the read cost no device synchronisation.
        using var scope = Engine.NewDisposeScope();
        var mask = Tensor.FromArray(here.Select(h => h ? 1f : 0f).ToArray());
        _group.AllReduce(mask, ReduceOp.Max);
        return [.. mask.ToArray<float>().Select(v => v > 0)];
    }

    private void Flush(List<Tensor> bucket)
    {
        using var scope = Engine.NewDisposeScope();
        var flat = Tensor.Cat([.. bucket.Select(g => g.Reshape(-1))]);
        _group.AllReduce(flat);
        flat.Div_(_group.WorldSize);
        long offset = 0;
        foreach (var gradient in bucket)
        {
            long n = gradient.NumElements;
            gradient.Copy_(flat.Narrow(0, offset, n).View([.. gradient.Shape]));
            offset += n;
        }
    }
}
