using DynDet.Torch.Native;

namespace DynDet.Torch;

/// <summary>The gradients of many tensors in one native call each way (an optimizer touches all its parameters).</summary>
internal static unsafe class Gradients
{
    /// <summary>
    /// The gradient of each of <paramref name="tensors"/> (as <see cref="Tensor.Grad"/>: new handles the caller's
    /// scope owns), null where a tensor has none.
    /// </summary>
    public static Tensor?[] Of(IReadOnlyList<Tensor> tensors)
    {
        IntPtr[] handles = Handles(tensors);
        var grads = new IntPtr[handles.Length];
        int status;
        fixed (IntPtr* h = handles)
        fixed (IntPtr* g = grads)
        {
            status = NativeMethods.dd_tensor_grads(h, handles.Length, g);
        }

        GC.KeepAlive(tensors);
        Check.Status(status);
        var result = new Tensor?[grads.Length];
        int made = 0;
        try
        {
            for (; made < grads.Length; made++)
            {
                result[made] = grads[made] == IntPtr.Zero ? null : new Tensor(grads[made]);
            }
        }
        catch
        {
            // The handles not yet owned by a Tensor are freed here; those already wrapped are disposed.
            for (int k = 0; k < made; k++)
            {
                result[k]?.Dispose();
            }

            for (int k = made + 1; k < grads.Length; k++)
            {
                NativeMethods.dd_tensor_free(grads[k]);
            }

            throw;
        }

        return result;
    }

    /// <summary>Clears the gradient of each of <paramref name="tensors"/> (PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public static void Clear(IReadOnlyList<Tensor> tensors)
    {
        IntPtr[] handles = Handles(tensors);
        int status;
        fixed (IntPtr* h = handles)
        {
            status = NativeMethods.dd_tensor_clear_grads(h, handles.Length);
        }

        GC.KeepAlive(tensors);
        Check.Status(status);
    }

    private static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var handles = new IntPtr[tensors.Count];
        for (int k = 0; k < handles.Length; k++)
        {
            handles[k] = tensors[k].RawHandle;
        }

        return handles;
    }
}
