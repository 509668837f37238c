namespace DynDet.Config;

/// <summary>Which multi-scale loss balancing rule a head's per-level losses follow (SPEC §7.1).</summary>
public enum LevelBalancerMethod
{
    /// <summary>Adaptive Variance Weighting (Eqs. 2–5): always action a0.</summary>
    Avw,

    /// <summary>Reinforcement Learning Optimization (Eqs. 6–9): an action drawn from rewarded probabilities.</summary>
    Rlo,
}
