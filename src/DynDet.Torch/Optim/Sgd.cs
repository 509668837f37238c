namespace DynDet.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with momentum and weight decay, exactly as <c>torch.optim.SGD</c>
/// (dampening 0, no Nesterov unless asked): <c>d = g + wd·p</c>; <c>buf = d</c> on the first step, else
/// <c>buf = m·buf + d</c>; <c>p -= lr·buf</c>. Momentum buffers belong to the optimizer (never to a dispose
/// scope) and are released by <see cref="Dispose"/>.
/// </summary>
public sealed class Sgd : IDisposable
{
    private readonly Dictionary<Tensor, Tensor> _momentum = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimizer.</summary>
    /// <param name="groups">Parameter groups (at least one).</param>
    /// <param name="momentum">Momentum factor in [0, 1) (default 0.9, MMDetection's).</param>
    /// <param name="nesterov">Nesterov momentum (default false).</param>
    public Sgd(IEnumerable<ParameterGroup> groups, double momentum = 0.9, bool nesterov = false)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Groups = groups.ToArray();
        if (Groups.Count == 0)
        {
            throw new ArgumentException("at least one parameter group is needed", nameof(groups));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(momentum, 1);
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Creates the optimizer over one group.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0.9, double weightDecay = 0)
        : this([new ParameterGroup(parameters, learningRate, weightDecay)], momentum)
    {
    }

    /// <summary>The parameter groups.</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>Clears every parameter's gradient (set to none, as PyTorch ≥ 2 does by default).</summary>
    public void ZeroGrad()
    {
        foreach (var group in Groups)
        {
            foreach (var p in group.Parameters)
            {
                p.Grad = null;
            }
        }
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        foreach (var group in Groups)
        {
            foreach (var p in group.Parameters)
            {
                using Tensor? grad = p.Grad;
                if (grad is null)
                {
                    continue;
                }

                Tensor d = group.WeightDecay != 0 ? grad.Add(p, group.WeightDecay) : grad;
                if (Momentum != 0)
                {
                    if (_momentum.TryGetValue(p, out Tensor? buffer))
                    {
                        buffer.Mul_(Momentum).Add_(d);
                    }
                    else
                    {
                        buffer = d.Clone().DetachFromDisposeScope();
                        _momentum[p] = buffer;
                    }

                    d = Nesterov ? d.Add(buffer, Momentum) : buffer;
                }

                p.Add_(d, -group.LearningRate);
            }
        }
    }

    /// <summary>The momentum buffer of <paramref name="parameter"/>, or null before its first step (owned by the optimizer).</summary>
    public Tensor? MomentumBuffer(Tensor parameter) => _momentum.GetValueOrDefault(parameter);

    /// <summary>Replaces the momentum buffer of <paramref name="parameter"/> with a copy of <paramref name="buffer"/> (resume).</summary>
    public void SetMomentumBuffer(Tensor parameter, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(buffer);
        if (_momentum.Remove(parameter, out Tensor? old))
        {
            old.Dispose();
        }

        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        _momentum[parameter] = scope.Detach(buffer.Detach().Clone());
    }

    /// <summary>Releases the momentum buffers.</summary>
    public void Dispose()
    {
        foreach (var buffer in _momentum.Values)
        {
            buffer.Dispose();
        }

        _momentum.Clear();
    }
}
