namespace DynDet.Torch.Optim;

/// <summary>Gradient clipping, as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients so their total L2 norm is at most <paramref name="maxNorm"/>
    /// (factor <c>min(1, maxNorm / (norm + 1e-6))</c>) and returns the norm before clipping.
    /// One synchronisation point per call (reading the norm).
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var grads = new List<Tensor>();
        foreach (var p in parameters)
        {
            Tensor? g = p.Grad;
            if (g is not null)
            {
                grads.Add(g);
            }
        }

        if (grads.Count == 0)
        {
            return 0;
        }

        var total = TotalNorm(grads);
        ScaleToNorm(grads, total, maxNorm);
        return total.ToDouble();
    }

    /// <summary>
    /// The total L2 norm of <paramref name="grads"/> as a 0-d tensor on their device, as <see cref="ClipGradNorm"/>
    /// computes it (NaN or ∞ when a gradient holds one); no synchronisation.
    /// </summary>
    public static Tensor TotalNorm(IReadOnlyList<Tensor> grads)
    {
        ArgumentNullException.ThrowIfNull(grads);
        ArgumentOutOfRangeException.ThrowIfZero(grads.Count);
        using var noGrad = Engine.NoGrad();
        using var scope = Engine.NewDisposeScope();
        return Tensor.Stack([.. grads.Select(g => g.Norm())]).Norm().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The scaling of <see cref="ClipGradNorm"/> given the total norm already computed (<see cref="TotalNorm"/>):
    /// multiplies every gradient in place by <c>min(1, maxNorm / (totalNorm + 1e-6))</c>, on the device, without
    /// reading the norm.
    /// </summary>
    public static void ScaleToNorm(IReadOnlyList<Tensor> grads, Tensor totalNorm, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(grads);
        ArgumentNullException.ThrowIfNull(totalNorm);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        using var noGrad = Engine.NoGrad();
        using var scope = Engine.NewDisposeScope();
        var coefficient = (maxNorm / (totalNorm + 1e-6)).ClampMax(1.0);
        foreach (var g in grads)
        {
            g.Mul_(coefficient);
        }
    }
}
