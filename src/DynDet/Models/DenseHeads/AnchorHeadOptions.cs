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

    /// <summary>MaxIoU anchor assigner options (RetinaNet); null when <see cref="AtssAssigner"/> is set instead.</summary>
    public MaxIouAssignerOptions? Assigner { get; init; }

    /// <summary>
    /// ATSS assigner options (SPEC §5.2): when set (and <see cref="Assigner"/> is null), each image's valid anchors are
    /// assigned by <see cref="AtssAssigner"/> with the number of valid anchors of each level.
    /// </summary>
    public AtssAssignerOptions? AtssAssigner { get; init; }

    /// <summary>Test-time post-processing settings.</summary>
    public required DenseTestConfig Test { get; init; }

    /// <summary>Loss normaliser (default MMDetection's average factor).</summary>
    public DenseLossNormaliser Normaliser { get; init; } = DenseLossNormaliser.AverageFactor;

    /// <summary>Test-time candidate rule (default MMDetection's).</summary>
    public DenseCandidateRule Candidates { get; init; } = DenseCandidateRule.TopAnchors;

    /// <summary>Train only on anchors inside each image's padded area (MMDetection's valid flags; default true; torchvision: false).</summary>
    public bool UseValidFlags { get; init; } = true;
}
