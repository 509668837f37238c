namespace DynDet.Torch.Optim;

/// <summary>
/// Gradient clipping, as <c>torch.nn.utils.clip_grad_norm_</c> (L2), with libtorch's <c>_foreach_*</c> ops: one
/// norm call and one scaling call for all gradients, and the norm stays a tensor on the device (no host read;
/// the trainer reads it with the step's other numbers).
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients so their total L2 norm is at most <paramref name="maxNorm"/> (&gt; 0)
    /// (factor <c>min(1, maxNorm / (norm + 1e-6))</c>) and returns the norm before clipping as a 0-d tensor owned
    /// by the caller's scope (0 when no parameter has a gradient); nothing is read to the host.
    /// </summary>
    public static Tensor ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var grads = Gradients.Of(parameters.ToArray()).OfType<Tensor>().ToArray();
        if (grads.Length == 0)
        {
            return scope.MoveToOuter(Tensor.ScalarTensor(0));
        }

        var total = TotalNorm(grads);
        ScaleToNorm(grads, total, maxNorm);
        return scope.MoveToOuter(total);
    }

    /// <summary>
    /// The total L2 norm of <paramref name="grads"/> (at least one) as a 0-d tensor on their device, as
    /// <see cref="ClipGradNorm"/> computes it: the norm of the stacked per-tensor norms (<c>_foreach_norm</c>), as
    /// torch does (NaN or ∞ when a gradient holds one); no synchronisation.
    /// </summary>
    public static Tensor TotalNorm(IReadOnlyList<Tensor> grads)
    {
        ArgumentNullException.ThrowIfNull(grads);
        ArgumentOutOfRangeException.ThrowIfZero(grads.Count);
        using var noGrad = Engine.NoGrad();
        using var scope = Engine.NewDisposeScope();
        return Tensor.Stack(Foreach.Norm(grads)).Norm().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The scaling of <see cref="ClipGradNorm"/> given the total norm already computed (<see cref="TotalNorm"/>):
    /// multiplies every gradient in place by <c>min(1, maxNorm / (totalNorm + 1e-6))</c> (one <c>_foreach_mul_</c>),
    /// on the device, without reading the norm.
    /// </summary>
    public static void ScaleToNorm(IReadOnlyList<Tensor> grads, Tensor totalNorm, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(grads);
        ArgumentNullException.ThrowIfNull(totalNorm);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        if (grads.Count == 0)
        {
            return;
        }

        using var noGrad = Engine.NoGrad();
        using var scope = Engine.NewDisposeScope();
        var coefficient = (maxNorm / (totalNorm + 1e-6)).ClampMax(1.0);
        Foreach.Mul_(grads, coefficient);
    }
}
