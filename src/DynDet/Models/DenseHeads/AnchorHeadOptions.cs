using DynDet.Assignment;
using DynDet.Config;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// What an <see cref="AnchorHead"/> is built with besides its layers and its parts (<see cref="AnchorPriors"/>,
/// <see cref="AnchorTargetStep"/>): box coder, test settings and the conventions of the implementation it reproduces
/// (chosen by the detector factory from <c>model.style</c>).
/// </summary>
public sealed record AnchorHeadOptions
{
    /// <summary>Box coder options.</summary>
    public required DeltaXywhBoxCoderOptions Coder { get; init; }

    /// <summary>Test-time post-processing settings.</summary>
    public required DenseTestConfig Test { get; init; }

    /// <summary>Loss normaliser (default MMDetection's average factor).</summary>
    public DenseLossNormaliser Normaliser { get; init; } = DenseLossNormaliser.AverageFactor;

    /// <summary>Test-time candidate rule (default MMDetection's).</summary>
    public DenseCandidateRule Candidates { get; init; } = DenseCandidateRule.TopAnchors;
}
