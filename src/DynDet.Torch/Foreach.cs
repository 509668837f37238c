using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch;

/// <summary>
/// libtorch's <c>aten::_foreach_*</c> ops: one call over a list of tensors instead of one call per tensor.
/// Each does, tensor by tensor, exactly what the single-tensor op does (on CPU libtorch runs that very op per
/// tensor; on CUDA it fuses the launches), so results are bit-identical to a loop. Lists must not be empty
/// (libtorch refuses them); the paired lists of the List variants must have equal lengths.
/// </summary>
internal static unsafe class Foreach
{
    /// <summary><c>self[k] + alpha·other[k]</c> for every k, as new tensors (<c>_foreach_add.List</c>).</summary>
    public static Tensor[] Add(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other, double alpha = 1)
    {
        IntPtr[] a = Handles(self), b = Handles(other);
        fixed (IntPtr* pa = a)
        fixed (IntPtr* pb = b)
        {
            return Aten.ForeachAddList.CallList(
                [DdValue.TensorList(pa, a.Length), DdValue.TensorList(pb, b.Length), DdValue.Of((Scalar)alpha)], self, other);
        }
    }

    /// <summary><c>self[k] += alpha·other[k]</c> in place for every k (<c>_foreach_add_.List</c>).</summary>
    public static void Add_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other, double alpha = 1)
    {
        IntPtr[] a = Handles(self), b = Handles(other);
        fixed (IntPtr* pa = a)
        fixed (IntPtr* pb = b)
        {
            Aten.ForeachAddInplaceList.CallVoid(
                [DdValue.TensorList(pa, a.Length), DdValue.TensorList(pb, b.Length), DdValue.Of((Scalar)alpha)], self, other);
        }
    }

    /// <summary><c>self[k] *= factor</c> in place for every k (<c>_foreach_mul_.Scalar</c>).</summary>
    public static void Mul_(IReadOnlyList<Tensor> self, double factor)
    {
        IntPtr[] a = Handles(self);
        fixed (IntPtr* pa = a)
        {
            Aten.ForeachMulInplaceScalar.CallVoid([DdValue.TensorList(pa, a.Length), DdValue.Of((Scalar)factor)], self);
        }
    }

    /// <summary>
    /// <c>self[k] *= factor</c> in place for every k, with <paramref name="factor"/> a tensor that broadcasts to each
    /// (e.g. 0-d), read on the device (<c>_foreach_mul_.List</c> with the factor repeated; libtorch 1.13 has no
    /// Tensor overload).
    /// </summary>
    public static void Mul_(IReadOnlyList<Tensor> self, Tensor factor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        IntPtr[] a = Handles(self);
        var b = new IntPtr[a.Length];
        Array.Fill(b, factor.RawHandle);
        fixed (IntPtr* pa = a)
        fixed (IntPtr* pb = b)
        {
            Aten.ForeachMulInplaceList.CallVoid([DdValue.TensorList(pa, a.Length), DdValue.TensorList(pb, b.Length)], self, factor);
        }
    }

    /// <summary>Fills every tensor with zeros in place (<c>_foreach_zero_</c>).</summary>
    public static void Zero_(IReadOnlyList<Tensor> self)
    {
        IntPtr[] a = Handles(self);
        fixed (IntPtr* pa = a)
        {
            Aten.ForeachZeroInplace.CallVoid([DdValue.TensorList(pa, a.Length)], self);
        }
    }

    /// <summary>The L2 norm of each tensor over all its elements, as 0-d tensors (<c>_foreach_norm.Scalar</c>, ord 2).</summary>
    public static Tensor[] Norm(IReadOnlyList<Tensor> self)
    {
        IntPtr[] a = Handles(self);
        fixed (IntPtr* pa = a)
        {
            return Aten.ForeachNorm.CallList([DdValue.TensorList(pa, a.Length), DdValue.Of((Scalar)2.0)], self);
        }
    }

    // The caller passes the lists as keep-alive objects: they hold the tensors, so no handle is finalized mid-call.
    private static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("a foreach op needs at least one tensor", nameof(tensors));
        }

        var handles = new IntPtr[tensors.Count];
        for (int k = 0; k < handles.Length; k++)
        {
            handles[k] = tensors[k].RawHandle;
        }

        return handles;
    }
}
