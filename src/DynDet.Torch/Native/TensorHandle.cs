using System.Runtime.InteropServices;

namespace DynDet.Torch.Native;

/// <summary>
/// Owns one native <c>at::Tensor*</c>. Released deterministically by <see cref="Tensor.Dispose"/> or its
/// dispose scope; the finalizer is only a safety net, and every handle it releases is counted in
/// <see cref="FinalizedCount"/> so tests can see that something relied on it.
/// </summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long s_finalized;
    private bool _explicitRelease;

    public TensorHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    /// <summary>Handles released by the garbage collector instead of an explicit dispose.</summary>
    public static long FinalizedCount => Interlocked.Read(ref s_finalized);

    public override bool IsInvalid => handle == IntPtr.Zero;

    public void ReleaseExplicitly()
    {
        _explicitRelease = true;
        Dispose();
    }

    protected override bool ReleaseHandle()
    {
        if (!_explicitRelease)
        {
            Interlocked.Increment(ref s_finalized);
        }

        NativeMethods.dd_tensor_free(handle);
        return true;
    }
}
