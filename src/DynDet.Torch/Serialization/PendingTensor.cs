namespace DynDet.Torch.Serialization;

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it, before it is built: the reader makes
/// tensors only once the whole pickle is read, so an error can name the tensor by its place in the file.
/// </summary>
internal sealed class PendingTensor(StorageRecord storage, long offset, long[] size, long[] stride, bool requiresGrad)
{
    public StorageRecord Storage { get; } = storage;

    public long Offset { get; } = offset;

    public long[] Size { get; } = size;

    public long[] Stride { get; } = stride;

    public bool RequiresGrad { get; set; } = requiresGrad;
}
