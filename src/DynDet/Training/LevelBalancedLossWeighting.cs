using DynDet.Dynamic;
using DynDet.Models.Detectors;
using DynDet.Torch;

namespace DynDet.Training;

/// <summary>
/// The loss-weighting slot filled by a run's level balancers (SPEC §7.1, Eq. 1): each balanced head's per-level terms
/// enter as <c>Σ_i w_i · L_i</c> with the balancer's current weights (a tensor without gradient), every other term
/// as it is. While every weight is 1 it returns the detector's own total, so a balancer at weights 1 (off, or RLO
/// pinned to a3) back-propagates exactly the baseline's loss.
/// </summary>
public sealed class LevelBalancedLossWeighting : ILossWeighting
{
    private readonly IReadOnlyList<LevelBalancer> _balancers;

    /// <summary>Weighs the heads of <paramref name="balancers"/> (at most one balancer per head).</summary>
    public LevelBalancedLossWeighting(IReadOnlyList<LevelBalancer> balancers)
    {
        ArgumentNullException.ThrowIfNull(balancers);
        if (balancers.GroupBy(b => b.Source, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"two balancers weigh {twice.Key}", nameof(balancers));
        }

        _balancers = balancers;
    }

    /// <summary>
    /// The slot for a run's strategies: this weighting over its <see cref="LevelBalancer"/>s, or
    /// <see cref="UnitLossWeighting"/> when it has none.
    /// </summary>
    public static ILossWeighting For(IReadOnlyList<ITrainingStrategy> strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        var balancers = strategies.OfType<LevelBalancer>().ToArray();
        return balancers.Length == 0 ? UnitLossWeighting.Instance : new LevelBalancedLossWeighting(balancers);
    }

    /// <inheritdoc />
    public Tensor Weighted(DetectorLosses losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        if (_balancers.All(b => b.IsUnit))
        {
            return losses.Total.Alias();
        }

        var owner = new Dictionary<string, LevelBalancer>(StringComparer.Ordinal);
        foreach (var balancer in _balancers)
        {
            if (!losses.LevelGroups.TryGetValue(balancer.Source, out var terms))
            {
                throw new InvalidOperationException(
                    $"{balancer.Name}: the detector reports no per-level terms of {balancer.Source} (it has: {string.Join(", ", losses.LevelGroups.Keys)})");
            }

            foreach (string term in terms)
            {
                owner[term] = balancer;
            }
        }

        Tensor? total = null;
        foreach (var (name, term) in losses.Terms)
        {
            Tensor weighted = term;
            if (owner.TryGetValue(name, out var balancer) && !balancer.IsUnit)
            {
                var levels = losses.Levels[name];
                weighted = (levels * balancer.WeightTensor(levels.Device, levels.Dtype)).Sum();
            }

            total = total is null ? weighted.Alias() : total + weighted;
        }

        return total ?? losses.Total.Alias();
    }
}
