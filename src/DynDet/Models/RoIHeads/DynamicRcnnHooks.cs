using DynDet.Config;
using DynDet.Dynamic;

namespace DynDet.Models.RoIHeads;

/// <summary>
/// The two Dynamic R-CNN strategies a <see cref="StandardRoiHead"/> consults and feeds, and the variant of
/// their statistics (MMDetection's or the original repository's).
/// </summary>
/// <param name="LabelAssignment">DLA: the assigner's IoU threshold.</param>
/// <param name="SmoothL1">DSL: the box loss's β.</param>
/// <param name="Variant">Which statistics to compute.</param>
public sealed record DynamicRcnnHooks(
    DynamicLabelAssignment LabelAssignment,
    DynamicSmoothL1 SmoothL1,
    DynamicRcnnVariant Variant);
