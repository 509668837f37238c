using DynDet.Assignment;

namespace DynDet.Config;

/// <summary>Random sampler (SPEC §0.3).</summary>
public sealed record SamplerConfig
{
    /// <summary>Boxes sampled per image (default 512; 256 in the RPN; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int Num { get; init; } = 512;

    /// <summary>Largest fraction of positives (default 0.25; 0.5 in the RPN; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double PosFraction { get; init; } = 0.25;

    /// <summary>Prepend the gts to the candidate boxes (default true, as the R-CNN head; false in the RPN).</summary>
    public bool AddGtAsProposals { get; init; } = true;

    /// <summary>The sampler options these settings describe.</summary>
    public RandomSamplerOptions ToOptions() => new() { Num = Num, PosFraction = PosFraction, AddGtAsProposals = AddGtAsProposals };
}
