using DynDet.Torch;

namespace DynDet.Models.Detectors;

/// <summary>The loss terms of one training step by name (MMDetection's names), per pyramid level, and their sum.</summary>
/// <param name="Terms">e.g. <c>loss_rpn_cls</c>, <c>loss_rpn_bbox</c>, <c>loss_cls</c>, <c>loss_bbox</c> (0-d tensors).</param>
/// <param name="Total">The sum to back-propagate.</param>
public sealed record DetectorLosses(IReadOnlyDictionary<string, Tensor> Terms, Tensor Total)
{
    /// <summary>
    /// For each term reported per pyramid level, its 1-d tensor of L values (each already divided by the head's
    /// global normaliser): the RPN's terms over its anchor levels (P2–P6, L = 5), the R-CNN head's over the levels
    /// its RoIs were pooled from (P2–P5, L = 4). <c>Terms[name]</c> is <c>Levels[name].Sum()</c>, so a weighting
    /// of the levels reaches the backward pass. Empty (default) when no term is split by level.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Levels { get; init; } = new Dictionary<string, Tensor>();

    /// <summary>
    /// The per-level terms of each head, by the head's config section (<c>rpn</c>: <c>loss_rpn_cls</c>,
    /// <c>loss_rpn_bbox</c>; <c>roi_head</c>: <c>loss_cls</c>, <c>loss_bbox</c>; <c>bbox_head</c>: every term of a
    /// one-stage head): what a level balancer of that head observes and weighs. Empty (default) when none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> LevelGroups { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
