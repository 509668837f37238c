using DynDet.Assignment;

namespace DynDet.Config;

/// <summary>Random sampler (SPEC §0.3).</summary>
public sealed record SamplerConfig
{
    /// <summary>Boxes sampled per image.</summary>
    public int Num { get; init; } = 512;

    /// <summary>Largest fraction of positives.</summary>
    public double PosFraction { get; init; } = 0.25;

    /// <summary>Prepend the gts to the candidate boxes (R-CNN head).</summary>
    public bool AddGtAsProposals { get; init; } = true;

    /// <summary>The sampler options these settings describe.</summary>
    public RandomSamplerOptions ToOptions() => new() { Num = Num, PosFraction = PosFraction, AddGtAsProposals = AddGtAsProposals };
}
