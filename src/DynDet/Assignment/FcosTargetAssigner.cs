using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// FCOS's target assignment for one image (SPEC §4; MMDetection's <c>FCOSHead._get_target_single</c>, with the
/// per-level division of <c>get_targets</c> when <see cref="FcosTargetOptions.NormOnBbox"/> is set), batched over
/// points and gts:
/// <list type="number">
/// <item>the distances (l, t, r, b) from every point to every gt's sides;</item>
/// <item>the point is inside the gt when <c>min(l, t, r, b) &gt; 0</c>, or, with centre sampling, when it is strictly
/// inside the box <c>gt centre ± radius · stride</c> clipped to the gt box;</item>
/// <item>the gt is valid for the point when it is inside and <c>low ≤ max(l, t, r, b) ≤ high</c> for the point's
/// level's regress range;</item>
/// <item>the point takes the valid gt of smallest area (invalid gts count as area 1e8; equal areas go to the lower
/// index, as <c>torch.min</c>); with none it is background (label C).</item>
/// </list>
/// Stateless apart from its options.
/// </summary>
public sealed class FcosTargetAssigner
{
    private readonly double[] _strides;
    private readonly double[] _low;
    private readonly double[] _high;
    private readonly double[] _radii;

    /// <summary>Creates an assigner (default: the base FCOS config).</summary>
    public FcosTargetAssigner(FcosTargetOptions? options = null)
    {
        Options = options ?? new FcosTargetOptions();
        int levels = Options.Strides.Count;
        if (levels == 0 || Options.RegressRanges.Count != levels)
        {
            throw new ArgumentException(
                $"FCOS needs one regress range per stride ({levels} strides, {Options.RegressRanges.Count} ranges)", nameof(options));
        }

        if (!(Options.CenterSampleRadius > 0) || double.IsInfinity(Options.CenterSampleRadius))
        {
            throw new ArgumentException($"CenterSampleRadius must be positive and finite, got {Options.CenterSampleRadius}", nameof(options));
        }

        _strides = new double[levels];
        _low = new double[levels];
        _high = new double[levels];
        _radii = new double[levels];
        for (int l = 0; l < levels; l++)
        {
            var (low, high) = Options.RegressRanges[l];
            if (Options.Strides[l] < 1 || !(low <= high))
            {
                throw new ArgumentException(
                    $"level {l}: stride {Options.Strides[l]} must be ≥ 1 and the regress range ({low}, {high}) ordered", nameof(options));
            }

            _strides[l] = Options.Strides[l];
            _low[l] = low;
            _high[l] = high;
            _radii[l] = Options.Strides[l] * Options.CenterSampleRadius; // MMDetection: a Python float, stored in the dtype
        }
    }

    /// <summary>The options this assigner was built with.</summary>
    public FcosTargetOptions Options { get; }

    /// <summary>
    /// The targets of one image.
    /// </summary>
    /// <param name="points">(P, 2) point coordinates (x, y) of all levels concatenated (<see cref="Models.DenseHeads.PointGenerator"/>).</param>
    /// <param name="pointsPerLevel">How many points each level has, in order (one per stride, each ≥ 0, summing to P).</param>
    /// <param name="gtBoxes">(G, 4) gt boxes (G ≥ 0), the points' dtype and device.</param>
    /// <param name="gtLabels">(G) int64 labels in [0, C).</param>
    /// <param name="numClasses">C, the number of foreground classes: the background label (≥ 1).</param>
    public FcosTargets Assign(Tensor points, IReadOnlyList<int> pointsPerLevel, Tensor gtBoxes, Tensor gtLabels, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(pointsPerLevel);
        ArgumentNullException.ThrowIfNull(gtLabels);
        BoxOps.CheckBoxes(gtBoxes, nameof(gtBoxes), multipleOfFour: false);
        if (points.Dim != 2 || points.Size(1) != 2 || gtBoxes.Dim != 2)
        {
            throw new ArgumentException(
                $"points must be (P, 2) and gts (G, 4), got [{string.Join(", ", points.Shape)}] and [{string.Join(", ", gtBoxes.Shape)}]",
                nameof(points));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        long numPoints = points.Size(0);
        long numGts = gtBoxes.Size(0);
        CheckLevels(pointsPerLevel, numPoints);
        if (gtLabels.NumElements != numGts)
        {
            throw new ArgumentException($"{gtLabels.NumElements} gt labels for {numGts} gts", nameof(gtLabels));
        }

        using var scope = Engine.NewDisposeScope();
        var device = points.Device;
        if (numGts == 0)
        {
            return Keep(scope, new FcosTargets(
                Tensor.Full([numPoints], numClasses, ScalarType.Int64, device),
                Tensor.Zeros([numPoints, 4], gtBoxes.Dtype, device),
                Tensor.Zeros([numPoints], ScalarType.Int64, device)));
        }

        // Per point (P, 1): its level's regress range, as constants of the points' dtype.
        var low = PerPoint(_low, pointsPerLevel, points).Unsqueeze(1);
        var high = PerPoint(_high, pointsPerLevel, points).Unsqueeze(1);

        var x1 = gtBoxes.Select(1, 0).Unsqueeze(0);
        var y1 = gtBoxes.Select(1, 1).Unsqueeze(0);
        var x2 = gtBoxes.Select(1, 2).Unsqueeze(0);
        var y2 = gtBoxes.Select(1, 3).Unsqueeze(0);
        var xs = points.Select(1, 0).Unsqueeze(1);
        var ys = points.Select(1, 1).Unsqueeze(1);

        // (P, G) distances to the sides.
        var left = xs - x1;
        var right = x2 - xs;
        var top = ys - y1;
        var bottom = y2 - ys;
        var boxTargets = Tensor.Stack([left, top, right, bottom], -1);

        Tensor inside;
        if (Options.CenterSampling)
        {
            // MMDetection's centre box: centre ± radius·stride, clipped to the gt with where(…) (max / min).
            var radius = PerPoint(_radii, pointsPerLevel, points).Unsqueeze(1);
            var centerX = (x1 + x2) / 2;
            var centerY = (y1 + y2) / 2;
            var xMins = centerX - radius;
            var yMins = centerY - radius;
            var xMaxs = centerX + radius;
            var yMaxs = centerY + radius;
            var cx1 = Tensor.Where(xMins > x1, xMins, x1.ExpandAs(xMins));
            var cy1 = Tensor.Where(yMins > y1, yMins, y1.ExpandAs(yMins));
            var cx2 = Tensor.Where(xMaxs > x2, x2.ExpandAs(xMaxs), xMaxs);
            var cy2 = Tensor.Where(yMaxs > y2, y2.ExpandAs(yMaxs), yMaxs);
            inside = MinOfFour(xs - cx1, ys - cy1, cx2 - xs, cy2 - ys).Gt(0);
        }
        else
        {
            inside = MinOfFour(left, top, right, bottom).Gt(0);
        }

        var maxDistance = left.Maximum(top).Maximum(right).Maximum(bottom);
        var inRange = maxDistance.Ge(low) & maxDistance.Le(high);

        var areas = BoxOps.Area(gtBoxes).Unsqueeze(0);
        var candidateAreas = Tensor.Where(inside & inRange, areas, FcosTargetOptions.Inf);
        var (minArea, chosen) = candidateAreas.Min(1);
        var background = minArea.Eq(FcosTargetOptions.Inf);

        var labels = Tensor.Where(background, numClasses, gtLabels.To(ScalarType.Int64).Reshape(-1).IndexSelect(0, chosen));
        var targets = boxTargets.Gather(1, chosen.Reshape(numPoints, 1, 1).Expand(numPoints, 1, 4)).Squeeze(1);
        if (Options.NormOnBbox)
        {
            targets = targets / PerPoint(_strides, pointsPerLevel, points).Unsqueeze(1);
        }

        var gtIndices = Tensor.Where(background, 0L, chosen + 1L);
        return Keep(scope, new FcosTargets(labels, targets, gtIndices));
    }

    /// <summary>
    /// FCOS's centerness target of (N, 4) distances (l, t, r, b), shape (N):
    /// <c>sqrt(min(l, r) / max(l, r) · min(t, b) / max(t, b))</c> (MMDetection's <c>centerness_target</c>; meant for
    /// positives only: elsewhere it may be NaN). The ratios are the same, up to rounding, for targets in pixels or in strides.
    /// </summary>
    public static Tensor CenternessTarget(Tensor boxTargets)
    {
        BoxOps.CheckBoxes(boxTargets, nameof(boxTargets), multipleOfFour: false);
        using var scope = Engine.NewDisposeScope();
        var l = boxTargets.Select(-1, 0);
        var t = boxTargets.Select(-1, 1);
        var r = boxTargets.Select(-1, 2);
        var b = boxTargets.Select(-1, 3);
        var leftRight = l.Minimum(r) / l.Maximum(r);
        var topBottom = t.Minimum(b) / t.Maximum(b);
        return scope.MoveToOuter((leftRight * topBottom).Sqrt());
    }

    private static Tensor MinOfFour(Tensor a, Tensor b, Tensor c, Tensor d) => a.Minimum(b).Minimum(c).Minimum(d);

    /// <summary>(P) the per-level <paramref name="values"/> repeated over each level's points.</summary>
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

    private void CheckLevels(IReadOnlyList<int> pointsPerLevel, long numPoints)
    {
        if (pointsPerLevel.Count != _strides.Length)
        {
            throw new ArgumentException(
                $"{pointsPerLevel.Count} levels of points for {_strides.Length} strides", nameof(pointsPerLevel));
        }

        long total = 0;
        foreach (int n in pointsPerLevel)
        {
            if (n < 0)
            {
                throw new ArgumentException($"a level cannot have {n} points", nameof(pointsPerLevel));
            }

            total += n;
        }

        if (total != numPoints)
        {
            throw new ArgumentException(
                $"the levels hold {total} points ({string.Join(" + ", pointsPerLevel)}) but {numPoints} were given", nameof(pointsPerLevel));
        }
    }
}
