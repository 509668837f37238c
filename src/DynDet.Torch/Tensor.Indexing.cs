using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch;

/// <content>Indexing by tensors: gather, scatter, masks, advanced indexing.</content>
public sealed partial class Tensor
{
    /// <summary>Entries along <paramref name="dim"/> at the positions in <paramref name="index"/> (1-D int64).</summary>
    public Tensor IndexSelect(long dim, Tensor index) =>
        Aten.IndexSelect.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(index)], this, index);

    /// <summary><c>out[i][j] = this[index[i][j]][j]</c> for dim 0 (and likewise for other dims).</summary>
    public Tensor Gather(long dim, Tensor index) =>
        Aten.Gather.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(index)], this, index);

    /// <summary>A copy with <paramref name="source"/> written at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor Scatter(long dim, Tensor index, Tensor source) =>
        Aten.ScatterSrc.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(index), DdValue.Of(source)], this, index, source);

    /// <summary>A copy with <paramref name="value"/> written at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor Scatter(long dim, Tensor index, Scalar value) =>
        Aten.ScatterValue.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(index), DdValue.Of(value)], this, index);

    /// <summary>A copy with <paramref name="source"/> added at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor source) =>
        Aten.ScatterAdd.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(index), DdValue.Of(source)], this, index, source);

    /// <summary>A copy with rows of <paramref name="source"/> added at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor IndexAdd(long dim, Tensor index, Tensor source) =>
        Aten.IndexAdd.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(index), DdValue.Of(source)], this, index, source);

    /// <summary>A copy with <paramref name="value"/> at positions <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor IndexFill(long dim, Tensor index, Scalar value) =>
        Aten.IndexFillIntScalar.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(index), DdValue.Of(value)], this, index);

    /// <summary>
    /// Advanced indexing, PyTorch's <c>x[i0, i1, ...]</c> with index tensors (int64 positions or bool masks);
    /// null entries take the whole dimension (<c>:</c>).
    /// </summary>
    public unsafe Tensor Index(params Tensor?[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        Span<IntPtr> handles = indices.Length <= 16 ? stackalloc IntPtr[indices.Length] : new IntPtr[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            handles[k] = indices[k]?.RawHandle ?? IntPtr.Zero;
        }

        fixed (IntPtr* h = handles)
        {
            return Aten.IndexTensor.Call1([DdValue.Of(this), DdValue.OptionalTensorList(h, indices.Length)], this, indices);
        }
    }

    /// <summary>In place: <c>this[indices] = values</c> (or <c>+=</c> with <paramref name="accumulate"/>); returns this.</summary>
    public unsafe Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        Span<IntPtr> handles = indices.Length <= 16 ? stackalloc IntPtr[indices.Length] : new IntPtr[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            handles[k] = indices[k]?.RawHandle ?? IntPtr.Zero;
        }

        fixed (IntPtr* h = handles)
        {
            Aten.IndexPutInplace.CallVoid(
                [DdValue.Of(this), DdValue.OptionalTensorList(h, indices.Length), DdValue.Of(values), DdValue.Of(accumulate)],
                this, indices, values);
        }

        return this;
    }

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor MaskedFill(Tensor mask, Scalar value) =>
        Aten.MaskedFillScalar.Call1([DdValue.Of(this), DdValue.Of(mask), DdValue.Of(value)], this, mask);

    /// <summary>In place: <paramref name="value"/> where <paramref name="mask"/> is true; returns this.</summary>
    public Tensor MaskedFill_(Tensor mask, Scalar value)
    {
        Aten.MaskedFillInplaceScalar.CallVoid([DdValue.Of(this), DdValue.Of(mask), DdValue.Of(value)], this, mask);
        return this;
    }

    /// <summary>The elements where <paramref name="mask"/> is true, as a 1-D tensor.</summary>
    public Tensor MaskedSelect(Tensor mask) => Binary(Aten.MaskedSelect, mask);

    /// <summary>Indices of the non-zero elements, shape (count, dim).</summary>
    public Tensor Nonzero() => Unary(Aten.Nonzero);

    /// <summary>Positions of the true (non-zero) elements of a 1-D tensor, as a 1-D int64 tensor.</summary>
    public Tensor NonzeroFlat()
    {
        using var nz = Nonzero();
        return nz.View(-1);
    }
}
