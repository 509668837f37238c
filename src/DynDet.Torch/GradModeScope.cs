using DynDet.Torch.Native;

namespace DynDet.Torch;

/// <summary>
/// Sets autograd recording on or off on this thread until disposed, then restores the previous mode.
/// Created by <see cref="Engine.NoGrad"/> and <see cref="Engine.EnableGrad"/>, used with <c>using</c>.
/// </summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    internal GradModeScope(bool enabled)
    {
        _previous = NativeMethods.dd_grad_enabled() != 0;
        NativeMethods.dd_set_grad_enabled(enabled ? 1 : 0);
    }

    /// <summary>Restores the mode that was in effect when the scope began.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            NativeMethods.dd_set_grad_enabled(_previous ? 1 : 0);
        }
    }
}
