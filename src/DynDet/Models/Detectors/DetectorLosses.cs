using DynDet.Torch;

namespace DynDet.Models.Detectors;

/// <summary>The loss terms of one training step by name (MMDetection's names) and their sum.</summary>
/// <param name="Terms">e.g. <c>loss_rpn_cls</c>, <c>loss_rpn_bbox</c>, <c>loss_cls</c>, <c>loss_bbox</c> (0-d tensors).</param>
/// <param name="Total">The sum to back-propagate.</param>
public sealed record DetectorLosses(IReadOnlyDictionary<string, Tensor> Terms, Tensor Total);
