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

    /// <summary>
    /// Clears every parameter's gradient: with <paramref name="setToNone"/> (default, as PyTorch ≥ 2) the gradients
    /// become none, in one native call for all parameters; otherwise they are zeroed in place with
    /// <c>_foreach_zero_</c> (PyTorch 1.13's default), which keeps their memory but costs a pass over it and makes
    /// the next backward accumulate into it, and which gives a parameter left out of the next backward a zero
    /// gradient that <see cref="Step"/> then applies weight decay and momentum to.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        var parameters = Groups.SelectMany(g => g.Parameters).ToArray();
        if (setToNone)
        {
            Gradients.Clear(parameters);
            return;
        }

        using var scope = Engine.NewDisposeScope();
        var grads = Gradients.Of(parameters).OfType<Tensor>().ToArray();
        if (grads.Length > 0)
        {
            using var noGrad = Engine.NoGrad();
            Foreach.Zero_(grads);
        }
    }

    /// <summary>
    /// Applies one update to every parameter that has a gradient, group by group with libtorch's
    /// <c>_foreach_*</c> ops (torch.optim.SGD's <c>foreach=True</c> path, the same arithmetic as its per-parameter loop).
    /// </summary>
    public void Step()
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        foreach (var group in Groups)
        {
            Tensor?[] all = Gradients.Of(group.Parameters);
            var parameters = new List<Tensor>(all.Length);
            var grads = new List<Tensor>(all.Length);
            for (int k = 0; k < all.Length; k++)
            {
                if (all[k] is { } grad)
                {
                    parameters.Add(group.Parameters[k]);
                    grads.Add(grad);
                }
            }

            if (grads.Count == 0)
            {
                continue;
            }

            IReadOnlyList<Tensor> d = group.WeightDecay != 0 ? Foreach.Add(grads, parameters, group.WeightDecay) : grads;
            if (Momentum != 0)
            {
                var buffers = MomentumBuffers(parameters, d);
                d = Nesterov ? Foreach.Add(d, buffers, Momentum) : buffers;
            }

            Foreach.Add_(parameters, d, -group.LearningRate);
        }
    }

    /// <summary>
    /// <c>buf = m·buf + d</c> for the parameters that have a buffer (two foreach calls), <c>buf = d</c> (a copy the
    /// optimizer owns) for those that have none yet, which happens on their first step only; the buffers in
    /// <paramref name="parameters"/>' order.
    /// </summary>
    private Tensor[] MomentumBuffers(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> d)
    {
        var buffers = new Tensor[parameters.Count];
        var existing = new List<Tensor>(parameters.Count);
        var existingD = new List<Tensor>(parameters.Count);
        for (int k = 0; k < parameters.Count; k++)
        {
            if (_momentum.TryGetValue(parameters[k], out Tensor? buffer))
            {
                existing.Add(buffer);
                existingD.Add(d[k]);
            }
            else
            {
                buffer = d[k].Clone().DetachFromDisposeScope();
                _momentum[parameters[k]] = buffer;
            }

            buffers[k] = buffer;
        }

        if (existing.Count > 0)
        {
            Foreach.Mul_(existing, Momentum);
            Foreach.Add_(existing, existingD);
        }

        return buffers;
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
