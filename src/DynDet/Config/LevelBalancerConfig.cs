namespace DynDet.Config;

/// <summary>
/// Multi-scale loss balancing of one head's per-level losses (SPEC §7.1, the paper's defaults): <c>balancer</c> in
/// <c>model.rpn</c>, <c>model.roi_head</c> or <c>model.bbox_head</c>. A config may write the method alone
/// (<c>"balancer": "rlo"</c>, or <c>model.rpn.balancer=avw</c> on the command line) for these defaults; <c>null</c>
/// or <c>"none"</c> turns it off.
/// </summary>
public sealed record LevelBalancerConfig
{
    /// <summary><c>avw</c> (always action a0) or <c>rlo</c> (default; actions drawn from rewarded probabilities).</summary>
    public LevelBalancerMethod Method { get; init; } = LevelBalancerMethod.Rlo;

    /// <summary>α: iterations per interval; the weights change at the end of each (default 100; &gt;= 2, the variance divides by α − 1).</summary>
    [ConfigRange(2)]
    public int Interval { get; init; } = 100;

    /// <summary>
    /// λ of each enhanced level, in the order the action names them; N, the number of levels enhanced, is the number of
    /// entries (default [1.5, 1.0]: N = 2; each &gt;= 0; at least 1 entry, at most the head's level count).
    /// </summary>
    [ConfigRange(0, MinEntries = 1)]
    public IReadOnlyList<double> Amplification { get; init; } = [1.5, 1.0];

    /// <summary>ε of the variance reduction rate (Eq. 4; default 1e-5; &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true)]
    public double Eps { get; init; } = 1e-5;

    /// <summary>γ: RLO's reward or punishment of the previous action's probability (Eq. 9; default 0.01; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double RewardStep { get; init; } = 0.01;

    /// <summary>
    /// [β_min, β_max]: brelu's bounds on the rewarded or punished probability (Eq. 9; default [0.1, 0.9]; 2 entries,
    /// each in (0, 1), the first &lt;= the second).
    /// </summary>
    [ConfigRange(0, 1, MinExclusive = true, MaxExclusive = true, Entries = 2)]
    public IReadOnlyList<double> ProbabilityBounds { get; init; } = [0.1, 0.9];

    /// <summary>
    /// RLO's actions (default all four, each starting at probability 1/4; a subset starts each at 1/count and the others
    /// never happen: <c>[a3]</c> pins RLO to the baseline, <c>[a2, a3]</c> is the paper's ablation). AVW ignores it.
    /// Distinct, at least one.
    /// </summary>
    public IReadOnlyList<BalancerAction> Actions { get; init; } = [BalancerAction.A0, BalancerAction.A1, BalancerAction.A2, BalancerAction.A3];
}
