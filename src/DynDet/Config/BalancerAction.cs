namespace DynDet.Config;

/// <summary>RLO's actions (SPEC §7.1); each sets the per-level weights for the next interval.</summary>
public enum BalancerAction
{
    /// <summary>Enhance the two levels whose variance fell fastest (largest r; AVW).</summary>
    A0,

    /// <summary>Enhance the two levels with the smallest interval loss (smallest first).</summary>
    A1,

    /// <summary>Enhance the two levels with the largest interval loss (largest first).</summary>
    A2,

    /// <summary>Every weight 1 (the baseline).</summary>
    A3,
}
