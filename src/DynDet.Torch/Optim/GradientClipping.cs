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

        var norms = grads.Select(g => g.Norm()).ToArray();
        var total = Tensor.Stack(norms).Norm();
        var coefficient = (maxNorm / (total + 1e-6)).ClampMax(1.0);
        foreach (var g in grads)
        {
            g.Mul_(coefficient);
        }

        return total.ToDouble();
    }
}
