using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// torchvision's FCOS target rule for one image (<c>FCOS.compute_loss</c>'s matcher), batched over points and gts. A
/// point (an anchor centre; its anchor's side is the level's size s) matches a gt when all of:
/// <list type="number">
/// <item>it is near the gt centre: <c>max(|x − cx|, |y − cy|) &lt; radius · s</c> (a square, not clipped to the gt);</item>
/// <item>it is inside the gt: <c>min(l, t, r, b) &gt; 0</c>;</item>
/// <item><c>low &lt; max(l, t, r, b) &lt; high</c>, both ends excluded, with its level's range (torchvision: 4·s and 8·s,
/// 0 on the first level and ∞ on the last);</item>
/// </list>
/// and takes, among those, the gt of largest <c>1e8 − area</c> computed in float32 (the smallest area, with areas that
/// round to the same float32 tied and the tie going to the lower index). Box targets are the distances from the point to
/// the chosen gt's sides, in pixels. Stateless apart from its settings.
/// </summary>
public sealed class FcosTorchVisionMatcher
{
    private readonly double[] _sizes;
    private readonly double[] _low;
    private readonly double[] _high;

    /// <summary>Creates the matcher.</summary>
    /// <param name="sizes">Anchor side of each level (torchvision's FCOS: 8, 16, 32, 64, 128), each &gt; 0.</param>
    /// <param name="ranges">Per level, the open range of a point's largest distance to the gt's sides (one per size).</param>
    /// <param name="radius">Centre-sampling radius in anchor sides (torchvision's <c>center_sampling_radius</c>, 1.5), &gt; 0.</param>
    public FcosTorchVisionMatcher(IReadOnlyList<int> sizes, IReadOnlyList<(double Low, double High)> ranges, double radius)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(ranges);
        if (sizes.Count == 0 || ranges.Count != sizes.Count)
        {
            throw new ArgumentException($"one range per level ({sizes.Count} sizes, {ranges.Count} ranges)", nameof(ranges));
        }

        if (!(radius > 0) || !double.IsFinite(radius))
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "the radius must be positive and finite");
        }

        _sizes = sizes.Select(s => s > 0 ? (double)s : throw new ArgumentOutOfRangeException(nameof(sizes), s, "sizes must be > 0")).ToArray();
        _low = ranges.Select(r => r.Low).ToArray();
        _high = ranges.Select(r => r.High).ToArray();
        Radius = radius;
    }

    /// <summary>Centre-sampling radius in anchor sides.</summary>
    public double Radius { get; }

    /// <summary>The targets of one image.</summary>
    /// <param name="points">(P, 2) anchor centres (x, y) of all levels concatenated.</param>
    /// <param name="pointsPerLevel">How many points each level has (one per size, summing to P).</param>
    /// <param name="gtBoxes">(G, 4) gt boxes (G ≥ 0), the points' dtype and device.</param>
    /// <param name="gtLabels">(G) int64 labels in [0, C).</param>
    /// <param name="numClasses">C: the background label (≥ 1).</param>
    public FcosTargets Assign(Tensor points, IReadOnlyList<int> pointsPerLevel, Tensor gtBoxes, Tensor gtLabels, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(pointsPerLevel);
        ArgumentNullException.ThrowIfNull(gtLabels);
        BoxOps.CheckBoxes(gtBoxes, nameof(gtBoxes), multipleOfFour: false);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        if (pointsPerLevel.Count != _sizes.Length || pointsPerLevel.Sum() != points.Size(0))
        {
            throw new ArgumentException(
                $"{pointsPerLevel.Count} levels holding {pointsPerLevel.Sum()} points for {_sizes.Length} sizes and {points.Size(0)} points",
                nameof(pointsPerLevel));
        }

        using var scope = Engine.NewDisposeScope();
        long numPoints = points.Size(0);
        long numGts = gtBoxes.Size(0);
        var device = points.Device;
        if (numGts == 0)
        {
            return Keep(scope, new FcosTargets(
                Tensor.Full([numPoints], numClasses, ScalarType.Int64, device),
                Tensor.Zeros([numPoints, 4], gtBoxes.Dtype, device),
                Tensor.Zeros([numPoints], ScalarType.Int64, device)));
        }

        var sizes = PerPoint(_sizes, pointsPerLevel, points).Unsqueeze(1);
        var xs = points.Select(1, 0).Unsqueeze(1);
        var ys = points.Select(1, 1).Unsqueeze(1);
        var x1 = gtBoxes.Select(1, 0).Unsqueeze(0);
        var y1 = gtBoxes.Select(1, 1).Unsqueeze(0);
        var x2 = gtBoxes.Select(1, 2).Unsqueeze(0);
        var y2 = gtBoxes.Select(1, 3).Unsqueeze(0);
        var centerX = (x1 + x2) / 2;
        var centerY = (y1 + y2) / 2;
        var near = (xs - centerX).Abs().Maximum((ys - centerY).Abs()).Lt(sizes * Radius);

        var left = xs - x1;
        var top = ys - y1;
        var right = x2 - xs;
        var bottom = y2 - ys;
        var inside = left.Minimum(top).Minimum(right).Minimum(bottom).Gt(0);
        var maxDistance = left.Maximum(top).Maximum(right).Maximum(bottom);
        var low = PerPoint(_low, pointsPerLevel, points).Unsqueeze(1);
        var high = PerPoint(_high, pointsPerLevel, points).Unsqueeze(1);
        var match = near & inside & maxDistance.Gt(low) & maxDistance.Lt(high);

        // torchvision: match.to(float32) * (1e8 − area), then the max; below 1e-5 is unmatched.
        var areas = BoxOps.Area(gtBoxes).Unsqueeze(0);
        var score = match.To(gtBoxes.Dtype) * (1e8 - areas);
        var (best, chosen) = score.Max(1);
        var background = best.Lt(1e-5);

        var labels = Tensor.Where(background, numClasses, gtLabels.To(ScalarType.Int64).Reshape(-1).IndexSelect(0, chosen));
        var boxTargets = Tensor.Stack([left, top, right, bottom], -1)
            .Gather(1, chosen.Reshape(numPoints, 1, 1).Expand(numPoints, 1, 4)).Squeeze(1);
        var gtIndices = Tensor.Where(background, 0L, chosen + 1L);
        return Keep(scope, new FcosTargets(labels, boxTargets, gtIndices));
    }

    private static Tensor PerPoint(double[] values, IReadOnlyList<int> pointsPerLevel, Tensor points)
    {
        using var scope = Engine.NewDisposeScope();
        var parts = new Tensor[values.Length];
        for (int l = 0; l < values.Length; l++)
        {
            parts[l] = Tensor.Full([pointsPerLevel[l]], values[l], points.Dtype, points.Device);
        }

        return scope.MoveToOuter(Tensor.Cat(parts));
    }

    private static FcosTargets Keep(DisposeScope scope, FcosTargets t) =>
        new(scope.MoveToOuter(t.Labels), scope.MoveToOuter(t.BoxTargets), scope.MoveToOuter(t.GtIndices));
}
