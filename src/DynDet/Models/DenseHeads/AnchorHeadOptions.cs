using DynDet.Assignment;
using DynDet.Config;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// What an <see cref="AnchorHead"/> is built with besides its layers: anchors, box coder, assigner, and the
/// conventions of the implementation it reproduces (chosen by the detector factory from <c>model.style</c>).
/// </summary>
public sealed record AnchorHeadOptions
{
    /// <summary>Anchor generator options.</summary>
    public required AnchorGeneratorOptions Anchors { get; init; }

    /// <summary>Box coder options.</summary>
    public required DeltaXywhBoxCoderOptions Coder { get; init; }

    /// <summary>Anchor assigner options.</summary>
    public required MaxIouAssignerOptions Assigner { get; init; }

    /// <summary>Test-time post-processing settings.</summary>
    public required DenseTestConfig Test { get; init; }

    /// <summary>Loss normaliser (default MMDetection's average factor).</summary>
    public DenseLossNormaliser Normaliser { get; init; } = DenseLossNormaliser.AverageFactor;

    /// <summary>Test-time candidate rule (default MMDetection's).</summary>
    public DenseCandidateRule Candidates { get; init; } = DenseCandidateRule.TopAnchors;

    /// <summary>Train only on anchors inside each image's padded area (MMDetection's valid flags; default true; torchvision: false).</summary>
    public bool UseValidFlags { get; init; } = true;
}
