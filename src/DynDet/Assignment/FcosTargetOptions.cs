namespace DynDet.Assignment;

/// <summary>
/// Configuration of <see cref="FcosTargetAssigner"/> (SPEC §4): MMDetection's <c>FCOSHead</c> arguments that decide
/// the training targets. The defaults are the base config (<c>fcos_r50_caffe_fpn_gn-head_1x_coco</c>);
/// <see cref="Tricks"/> is the "center-normbbox-centeronreg-giou" config.
/// </summary>
public sealed record FcosTargetOptions
{
    /// <summary>MMDetection's <c>INF</c> in the FCOS head (1e8): the open upper end of the last regress range.</summary>
    public const double Inf = 1e8;

    /// <summary>Stride of each pyramid level in pixels (default 8, 16, 32, 64, 128 for P3–P7; each ≥ 1).</summary>
    public IReadOnlyList<int> Strides { get; init; } = [8, 16, 32, 64, 128];

    /// <summary>
    /// Per level, the range <c>[Low, High]</c> (both ends included) that a point's largest distance
    /// <c>max(l, t, r, b)</c> to a gt's sides must fall in for the gt to be valid there (default (−1, 64), (64, 128),
    /// (128, 256), (256, 512), (512, 1e8)); one per stride, <c>Low ≤ High</c>.
    /// </summary>
    public IReadOnlyList<(double Low, double High)> RegressRanges { get; init; } =
        [(-1, 64), (64, 128), (128, 256), (256, 512), (512, Inf)];

    /// <summary>
    /// Centre sampling (default false; true in the tricks config): a point is inside a gt only when it lies in the
    /// box <c>gt centre ± CenterSampleRadius · stride</c> (the point's level's stride) clipped to the gt box, instead
    /// of anywhere in the gt box.
    /// </summary>
    public bool CenterSampling { get; init; }

    /// <summary>Radius of centre sampling in strides (MMDetection's <c>center_sample_radius</c>; default 1.5; &gt; 0).</summary>
    public double CenterSampleRadius { get; init; } = 1.5;

    /// <summary>
    /// Divide the (l, t, r, b) targets by the stride of the point's level (MMDetection's <c>norm_on_bbox</c>, done in
    /// its <c>get_targets</c> per level; default false; true in the tricks config, whose head predicts
    /// <c>relu(scale · x)</c> in strides).
    /// </summary>
    public bool NormOnBbox { get; init; }

    /// <summary>The base FCOS config: no centre sampling, targets in pixels.</summary>
    public static FcosTargetOptions Base => new();

    /// <summary>The "tricks" config (center-normbbox-centeronreg-giou): centre sampling with radius 1.5, targets in strides.</summary>
    public static FcosTargetOptions Tricks => new() { CenterSampling = true, NormOnBbox = true };
}
