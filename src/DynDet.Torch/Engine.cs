using DynDet.Torch.Native;

namespace DynDet.Torch;

/// <summary>
/// The engine's runtime: threads, seeds and RNG state, dispose and grad-mode scopes, the live-tensor
/// counter, extra op libraries. Tensor creation is on <see cref="Tensor"/> (<c>Tensor.Zeros</c>, ...).
/// </summary>
public static class Engine
{
    /// <summary>Native tensor handles alive in this process (every test ends with the count it began with).</summary>
    public static long LiveTensors => NativeMethods.dd_live_tensors();

    /// <summary>Handles released by the garbage collector rather than by Dispose or a scope (should stay 0).</summary>
    public static long FinalizedTensors => TensorHandle.FinalizedCount;

    /// <summary>Threads libtorch uses inside one op (intra-op parallelism); at least 1.</summary>
    public static int NumThreads
    {
        get
        {
            Check.Status(NativeMethods.dd_get_num_threads(out int n));
            return n;
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Check.Status(NativeMethods.dd_set_num_threads(value));
        }
    }

    /// <summary>
    /// Sets <see cref="NumThreads"/> to <paramref name="threads"/> (at least 1) without loading the native library: at
    /// once if it is loaded, else as soon as it loads. For defaults applied before knowing whether a process will
    /// make any native call.
    /// </summary>
    public static void SetNumThreadsWhenLoaded(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        NativeLibraryLoader.SetThreadsWhenLoaded(threads);
    }

    /// <summary>Whether a CUDA device is usable by this libtorch build.</summary>
    public static bool CudaIsAvailable => NativeMethods.dd_cuda_is_available() != 0;

    /// <summary>Seeds libtorch's global CPU generator (and CUDA's, where present).</summary>
    public static void ManualSeed(ulong seed) => Check.Status(NativeMethods.dd_manual_seed(seed));

    /// <summary>A copy of the global CPU generator's state (a uint8 tensor), for checkpoints.</summary>
    public static Tensor GetRngState()
    {
        Check.Status(NativeMethods.dd_get_rng_state(out IntPtr state));
        return new Tensor(state);
    }

    /// <summary>Restores the global CPU generator from a state made by <see cref="GetRngState"/>.</summary>
    public static void SetRngState(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Check.Status(NativeMethods.dd_set_rng_state(state.RawHandle));
        GC.KeepAlive(state);
    }

    /// <summary>Starts a dispose scope on this thread; use with <c>using</c>.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Turns autograd recording off on this thread until the returned scope is disposed.</summary>
    public static GradModeScope NoGrad() => new(false);

    /// <summary>Turns autograd recording on on this thread until the returned scope is disposed.</summary>
    public static GradModeScope EnableGrad() => new(true);

    /// <summary>Whether autograd records operations on this thread now.</summary>
    public static bool IsGradEnabled => NativeMethods.dd_grad_enabled() != 0;

    /// <summary>Loads a shared library of extra ops (e.g. torchvision's); false if it could not be loaded.</summary>
    public static bool LoadLibrary(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return NativeMethods.dd_load_library(path) != 0;
    }

    /// <summary>The last message of a failed native call on this thread.</summary>
    internal static string LastNativeError => Check.LastError();
}
