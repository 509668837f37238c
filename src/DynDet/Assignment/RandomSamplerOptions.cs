namespace DynDet.Assignment;

/// <summary>Configuration of a <see cref="RandomSampler"/> (SPEC §0.3).</summary>
public sealed record RandomSamplerOptions
{
    /// <summary>Boxes sampled per image, positives plus negatives (MMDetection's <c>num</c>; default 512, the R-CNN head's; ≥ 1).</summary>
    public int Num { get; init; } = 512;

    /// <summary>Largest fraction of positives: at most <c>(int)(Num · PosFraction)</c> (default 0.25; in [0, 1]).</summary>
    public double PosFraction { get; init; } = 0.25;

    /// <summary>Upper bound on negatives per positive, <c>(int)(NegPosUb · max(1, #pos))</c>; negative values (default −1) mean no bound.</summary>
    public double NegPosUb { get; init; } = -1;

    /// <summary>Prepend the gts to the boxes as extra proposals before sampling (default true, the R-CNN head's; false for the RPN).</summary>
    public bool AddGtAsProposals { get; init; } = true;

    /// <summary>MMDetection's RPN sampler: 256 anchors, half positive at most, gts not added.</summary>
    public static RandomSamplerOptions Rpn => new() { Num = 256, PosFraction = 0.5, AddGtAsProposals = false };

    /// <summary>MMDetection's R-CNN sampler: 512 RoIs, a quarter positive at most, gts added as proposals.</summary>
    public static RandomSamplerOptions RCnn => new();
}
