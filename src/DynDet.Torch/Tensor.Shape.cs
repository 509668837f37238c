using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch;

/// <content>Views and shape changes.</content>
public sealed partial class Tensor
{
    private unsafe Tensor WithIntList(Op op, ReadOnlySpan<long> values)
    {
        fixed (long* v = values)
        {
            return op.Call1([DdValue.Of(this), DdValue.IntList(v, values.Length)], this);
        }
    }

    /// <summary>A view with another shape (−1 infers one dimension); the tensor must be viewable so.</summary>
    public Tensor View(params ReadOnlySpan<long> shape) => WithIntList(Aten.View, shape);

    /// <summary>A tensor with another shape: a view when possible, otherwise a copy.</summary>
    public Tensor Reshape(params ReadOnlySpan<long> shape) => WithIntList(Aten.Reshape, shape);

    /// <summary>
    /// A view of this tensor's storage with the given sizes, strides (in elements) and storage offset; the
    /// elements it reaches must lie inside the storage (libtorch checks). Used to rebuild the views a
    /// PyTorch checkpoint stores.
    /// </summary>
    public unsafe Tensor AsStrided(ReadOnlySpan<long> size, ReadOnlySpan<long> stride, long storageOffset)
    {
        fixed (long* sz = size)
        fixed (long* st = stride)
        {
            return Aten.AsStrided.Call1([DdValue.Of(this), DdValue.IntList(sz, size.Length),
                DdValue.IntList(st, stride.Length), DdValue.Of(storageOffset)], this);
        }
    }

    /// <summary>Reorders dimensions.</summary>
    public Tensor Permute(params ReadOnlySpan<long> dims) => WithIntList(Aten.Permute, dims);

    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(long dim0, long dim1) =>
        Aten.TransposeInt.Call1([DdValue.Of(this), DdValue.Of(dim0), DdValue.Of(dim1)], this);

    /// <summary>The tensor itself (a new handle) if contiguous, else a contiguous copy.</summary>
    public Tensor Contiguous() => Unary(Aten.Contiguous);

    /// <summary>Flattens dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) =>
        Aten.FlattenUsingInts.Call1([DdValue.Of(this), DdValue.Of(startDim), DdValue.Of(endDim)], this);

    /// <summary>Splits dimension <paramref name="dim"/> into <paramref name="sizes"/>.</summary>
    public unsafe Tensor Unflatten(long dim, params ReadOnlySpan<long> sizes)
    {
        fixed (long* s = sizes)
        {
            return Aten.UnflattenInt.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.IntList(s, sizes.Length)], this);
        }
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(long dim) => Aten.Unsqueeze.Call1([DdValue.Of(this), DdValue.Of(dim)], this);

    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze() => Unary(Aten.Squeeze);

    /// <summary>Removes dimension <paramref name="dim"/> if its size is 1.</summary>
    public Tensor Squeeze(long dim) => Aten.SqueezeDim.Call1([DdValue.Of(this), DdValue.Of(dim)], this);

    /// <summary>Broadcasts singleton dimensions to <paramref name="shape"/> (−1 keeps a size), without copying.</summary>
    public Tensor Expand(params ReadOnlySpan<long> shape) => WithIntList(Aten.Expand, shape);

    /// <summary>Broadcasts to the shape of <paramref name="other"/>.</summary>
    public Tensor ExpandAs(Tensor other) => Binary(Aten.ExpandAs, other);

    /// <summary>Tiles the tensor <paramref name="repeats"/> times along each dimension (copies).</summary>
    public Tensor Repeat(params ReadOnlySpan<long> repeats) => WithIntList(Aten.Repeat, repeats);

    /// <summary>Reverses the order along <paramref name="dims"/>.</summary>
    public Tensor Flip(params ReadOnlySpan<long> dims) => WithIntList(Aten.Flip, dims);

    /// <summary>A view of elements <paramref name="start"/> to <paramref name="end"/> (exclusive) with <paramref name="step"/> along <paramref name="dim"/>; null ends mean the whole range; negatives count from the end.</summary>
    public Tensor Slice(long dim, long? start, long? end, long step = 1) =>
        Aten.SliceTensor.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(start), DdValue.Of(end), DdValue.Of(step)], this);

    /// <summary>A view of <paramref name="length"/> elements from <paramref name="start"/> along <paramref name="dim"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) =>
        Aten.Narrow.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(start), DdValue.Of(length)], this);

    /// <summary>A view of index <paramref name="index"/> along <paramref name="dim"/>, removing that dimension.</summary>
    public Tensor Select(long dim, long index) =>
        Aten.SelectInt.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(index)], this);

    /// <summary>Splits into pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] Split(long splitSize, long dim = 0) =>
        Aten.SplitTensor.CallList([DdValue.Of(this), DdValue.Of(splitSize), DdValue.Of(dim)], this);

    /// <summary>Splits into pieces of the given sizes along <paramref name="dim"/>.</summary>
    public unsafe Tensor[] Split(ReadOnlySpan<long> sizes, long dim = 0)
    {
        fixed (long* s = sizes)
        {
            return Aten.SplitWithSizes.CallList([DdValue.Of(this), DdValue.IntList(s, sizes.Length), DdValue.Of(dim)], this);
        }
    }

    /// <summary>Splits into <paramref name="chunks"/> nearly equal pieces along <paramref name="dim"/>.</summary>
    public Tensor[] Chunk(long chunks, long dim = 0) =>
        Aten.Chunk.CallList([DdValue.Of(this), DdValue.Of(chunks), DdValue.Of(dim)], this);

    /// <summary>Every slice along <paramref name="dim"/>, with that dimension removed.</summary>
    public Tensor[] Unbind(long dim = 0) => Aten.UnbindInt.CallList([DdValue.Of(this), DdValue.Of(dim)], this);
}
