using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// The points of an anchor-free head (FCOS, SPEC §4): on a level of stride s and size (H, W), the point of cell
/// (y, x) is <c>(x·s + ⌊s/2⌋, y·s + ⌊s/2⌋)</c>, ordered row-major (y, then x) like a head's (N, k, H, W) output
/// permuted to (N, H, W, k) — MMDetection 2.x <c>FCOSHead._get_points_single</c> (<c>+ stride // 2</c>; for the even
/// strides of every config this equals the later <c>MlvlPointGenerator</c>'s <c>(x + 0.5)·s</c>). Every result is a
/// new tensor owned by the caller's dispose scope.
/// </summary>
public static class PointGenerator
{
    /// <summary>The (H·W, 2) points (x, y) of one level (H, W ≥ 0, stride ≥ 1), in <paramref name="dtype"/> (default float32) on <paramref name="device"/> (default CPU).</summary>
    public static Tensor SingleLevel(long height, long width, int stride, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        using var scope = Engine.NewDisposeScope();
        var xRange = Tensor.Arange(0, width * stride, stride, dtype, device);
        var yRange = Tensor.Arange(0, height * stride, stride, dtype, device);
        var grid = Tensor.Meshgrid([yRange, xRange], "ij");
        var points = Tensor.Stack([grid[1].Reshape(-1), grid[0].Reshape(-1)], -1) + (stride / 2);
        return scope.MoveToOuter(points);
    }

    /// <summary>
    /// The points of every level: one (H_l·W_l, 2) tensor per level for feature maps of <paramref name="featureSizes"/>
    /// (H, W) and <paramref name="strides"/> (as many as sizes).
    /// </summary>
    public static Tensor[] Points(IReadOnlyList<(long Height, long Width)> featureSizes, IReadOnlyList<int> strides,
        ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        ArgumentNullException.ThrowIfNull(strides);
        if (featureSizes.Count != strides.Count)
        {
            throw new ArgumentException($"{featureSizes.Count} feature sizes for {strides.Count} strides", nameof(strides));
        }

        var result = new Tensor[strides.Count];
        for (int l = 0; l < result.Length; l++)
        {
            result[l] = SingleLevel(featureSizes[l].Height, featureSizes[l].Width, strides[l], dtype, device);
        }

        return result;
    }
}
