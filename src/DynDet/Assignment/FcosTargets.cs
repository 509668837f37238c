using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// The FCOS training targets of one image's points (all levels concatenated), made by
/// <see cref="FcosTargetAssigner.Assign"/>. The tensors belong to the dispose scope that was current when they were
/// made (the caller's), like any tensor an operation returns.
/// </summary>
/// <param name="Labels">int64 (P): the chosen gt's label, or the background label C (the class count) where no gt is valid.</param>
/// <param name="BoxTargets">
/// (P, 4) distances (l, t, r, b) from the point to the chosen gt's sides, in pixels, or in strides of the point's
/// level with <see cref="FcosTargetOptions.NormOnBbox"/>. As in MMDetection, background points hold the distances to
/// gt 0 (meaningless; only positives are used).
/// </param>
/// <param name="GtIndices">int64 (P): 0 on background, k &gt; 0 where gt k−1 was chosen (the encoding of <see cref="AssignResult.GtIndices"/>).</param>
public sealed record FcosTargets(Tensor Labels, Tensor BoxTargets, Tensor GtIndices);
