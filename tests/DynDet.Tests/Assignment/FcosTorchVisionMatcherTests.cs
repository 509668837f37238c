using DynDet.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

/// <summary>Hand cases of torchvision's FCOS matcher rules (the parity test covers a whole scene).</summary>
public sealed class FcosTorchVisionMatcherTests : TorchTest
{
    private const int NumClasses = 3;

    private static FcosTorchVisionMatcher OneLevel(double low = 0, double high = 64) => new([8], [(low, high)], 1.5);

    private static long[] Labels(FcosTorchVisionMatcher matcher, float[] points, float[] boxes, long[] labels)
    {
        using var scope = Engine.NewDisposeScope();
        var p = Tensor.FromArray(points, points.Length / 2, 2);
        var targets = matcher.Assign(p, [points.Length / 2], Tensor.FromArray(boxes, boxes.Length / 4, 4),
            Tensor.FromArray(labels), NumClasses);
        return targets.Labels.ToArray<long>();
    }

    [Fact]
    public void A_point_must_be_within_radius_times_size_of_the_centre_in_a_square_not_clipped_to_the_gt()
    {
        // gt centre (50, 50); radius · size = 12: |dx| = 11.9 is near, 12 is not (strict); the gt is large, so only
        // the centre rule decides.
        float[] points = [61.9f, 50, 62, 50, 50, 61.9f, 38.1f, 38.1f];
        Assert.Equal([1L, NumClasses, 1L, 1L], Labels(OneLevel(), points, [10, 10, 90, 90], [1]));
    }

    [Fact]
    public void A_point_must_also_be_strictly_inside_the_gt()
    {
        // A thin gt: the centre square reaches beyond it, the inside rule keeps the point on its edge out.
        float[] points = [50, 50, 50, 46, 50, 54];
        Assert.Equal([2L, NumClasses, NumClasses], Labels(OneLevel(), points, [20, 46, 80, 54], [2]));
    }

    [Fact]
    public void Regress_ranges_exclude_both_ends()
    {
        // max distance 32 at the centre of a 64 x 64 gt: in (0, 64) but not in (32, 64) nor (0, 32).
        float[] points = [32, 32];
        float[] box = [0, 0, 64, 64];
        Assert.Equal([0L], Labels(OneLevel(0, 64), points, box, [0]));
        Assert.Equal([(long)NumClasses], Labels(OneLevel(32, 64), points, box, [0]));
        Assert.Equal([(long)NumClasses], Labels(OneLevel(0, 32), points, box, [0]));
    }

    [Fact]
    public void The_smallest_area_wins_and_areas_equal_in_float32_after_1e8_minus_go_to_the_first_gt()
    {
        float[] points = [50, 50];
        // 40 x 40 = 1600 beats 60 x 60.
        Assert.Equal([1L], Labels(OneLevel(), points, [20, 20, 80, 80, 30, 30, 70, 70], [0, 1]));
        // Areas 1601.6 and 1600: 1e8 − area rounds to the same float32 (its spacing near 1e8 is 8), so the first gt wins
        // although it is the larger: torchvision's tie, not the true minimum (MMDetection's rule would pick the second).
        Assert.Equal([0L], Labels(OneLevel(), points, [30, 30, 70.04f, 70, 30, 30, 70, 70], [0, 1]));
    }

    [Fact]
    public void Box_targets_are_pixel_distances_to_the_chosen_gt_and_an_image_without_gts_is_background()
    {
        using var scope = Engine.NewDisposeScope();
        var matcher = OneLevel();
        var points = Tensor.FromArray([50f, 50], 1, 2);
        var targets = matcher.Assign(points, [1], Tensor.FromArray([30f, 20, 70, 90], 1, 4), Tensor.FromArray([2L]), NumClasses);
        TensorAssert.Close(Tensor.FromArray([20f, 30, 20, 40], 1, 4), targets.BoxTargets, 0, 0, "distances");
        Assert.Equal([1L], targets.GtIndices.ToArray<long>());
        var empty = matcher.Assign(points, [1], Tensor.Zeros([0, 4]), Tensor.Zeros([0], ScalarType.Int64), NumClasses);
        Assert.Equal([(long)NumClasses], empty.Labels.ToArray<long>());
        Assert.Equal([0L], empty.GtIndices.ToArray<long>());
    }
}
