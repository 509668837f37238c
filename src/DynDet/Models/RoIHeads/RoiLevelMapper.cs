using DynDet.Torch;

namespace DynDet.Models.RoIHeads;

/// <summary>
/// Maps RoIs to the FPN level their features are pooled from (SPEC §2.2 "RoI level mapping"): a 0-based
/// level index into the extractor's feature maps (0 = the finest, P2). Stateless; set the properties at
/// construction.
/// </summary>
public sealed class RoiLevelMapper
{
    /// <summary>Number of feature levels the RoIs are pooled from (default 4: P2–P5; ≥ 1).</summary>
    public int NumLevels { get; init; } = 4;

    /// <summary>Which formula to use (default MMDetection's).</summary>
    public RoiLevelRule Rule { get; init; } = RoiLevelRule.MMDetection;

    /// <summary>MMDetection's <c>finest_scale</c> (default 56): level k takes scales in [2^k·FinestScale, 2^(k+1)·FinestScale), level 0 everything below 2·FinestScale.</summary>
    public double FinestScale { get; init; } = 56;

    /// <summary>torchvision's canonical scale s0 (default 224).</summary>
    public double CanonicalScale { get; init; } = 224;

    /// <summary>torchvision's canonical level k0 (default 4).</summary>
    public int CanonicalLevel { get; init; } = 4;

    /// <summary>torchvision's k_min, the FPN level of the first feature map (default 2, i.e. P2); k_max = k_min + NumLevels − 1.</summary>
    public int MinLevel { get; init; } = 2;

    /// <summary>The small constant of either formula (default 1e-6).</summary>
    public double Eps { get; init; } = 1e-6;

    /// <summary>
    /// int64 (R) level indices in [0, NumLevels − 1] of <paramref name="rois"/>: (R, 4) boxes or (R, 5)
    /// (batch index, x1, y1, x2, y2) RoIs. A new tensor owned by the caller's dispose scope.
    /// </summary>
    public Tensor Map(Tensor rois)
    {
        ArgumentNullException.ThrowIfNull(rois);
        long[] shape = rois.Shape;
        if (shape.Length != 2 || (shape[1] != 4 && shape[1] != 5))
        {
            throw new ArgumentException($"RoIs must be (R, 4) or (R, 5), got [{string.Join(", ", shape)}]", nameof(rois));
        }

        if (NumLevels < 1)
        {
            throw new InvalidOperationException($"NumLevels must be at least 1, got {NumLevels}");
        }

        using var scope = Engine.NewDisposeScope();
        var boxes = rois.Narrow(1, shape[1] - 4, 4);
        var w = boxes.Select(1, 2) - boxes.Select(1, 0);
        var h = boxes.Select(1, 3) - boxes.Select(1, 1);
        var scale = (w * h).Sqrt();
        Tensor levels;
        if (Rule == RoiLevelRule.MMDetection)
        {
            levels = (scale / FinestScale + Eps).Log2().Floor().Clamp(0, NumLevels - 1);
        }
        else
        {
            levels = ((scale / CanonicalScale).Log2() + CanonicalLevel + Eps).Floor()
                .Clamp(MinLevel, MinLevel + NumLevels - 1) - MinLevel;
        }

        return scope.MoveToOuter(levels.To(ScalarType.Int64));
    }
}
