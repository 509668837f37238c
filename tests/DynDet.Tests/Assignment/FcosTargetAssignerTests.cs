using DynDet.Assignment;
using DynDet.Models.DenseHeads;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

public sealed class FcosTargetAssignerTests : TorchTest
{
    private const int NumClasses = 80;

    // One level of stride 8 with one regress range.
    private static FcosTargetOptions OneLevel(double low = -1, double high = 64) =>
        new() { Strides = [8], RegressRanges = [(low, high)] };

    [Theory]
    [InlineData("base")]     // no centre sampling, targets in pixels
    [InlineData("tricks")]   // centre sampling radius 1.5, targets in strides
    [InlineData("cs_only")]  // centre sampling, targets in pixels
    public void Equals_mmdetection_fcos_get_targets(string config)
    {
        using var scope = Engine.NewDisposeScope();
        var f = OneStageFixtures.Load("fcos");
        var options = config switch
        {
            "base" => FcosTargetOptions.Base,
            "tricks" => FcosTargetOptions.Tricks,
            _ => FcosTargetOptions.Base with { CenterSampling = true },
        };
        var (points, perLevel) = Points(f);
        var targets = new FcosTargetAssigner(options).Assign(points, perLevel, f["gts"], f["labels"], NumClasses);
        AssignFixtures.SameLongs(f[config + "_labels"], targets.Labels, config + " labels");
        TensorAssert.Close(f[config + "_bbox_targets"], targets.BoxTargets, 0, 0, config + " bbox targets");
        var positives = targets.Labels.Lt(NumClasses).NonzeroFlat();
        AssignFixtures.SameLongs(f[config + "_pos_inds"], positives, config + " positives");
        AssignFixtures.SameLongs(targets.Labels.Lt(NumClasses), targets.GtIndices.Gt(0), config + " gt indices where positive");
        var chosenLabels = f["labels"].IndexSelect(0, (targets.GtIndices.IndexSelect(0, positives) - 1L));
        AssignFixtures.SameLongs(targets.Labels.IndexSelect(0, positives), chosenLabels, config + " labels of the chosen gts");
        TensorAssert.Close(f[config + "_centerness"], FcosTargetAssigner.CenternessTarget(targets.BoxTargets.IndexSelect(0, positives)),
            1e-6, 1e-6, config + " centerness");
    }

    [Theory]
    [InlineData("base")]
    [InlineData("tricks")]
    public void An_image_without_gts_is_all_background(string config)
    {
        using var scope = Engine.NewDisposeScope();
        var f = OneStageFixtures.Load("fcos");
        var (points, perLevel) = Points(f);
        var options = config == "base" ? FcosTargetOptions.Base : FcosTargetOptions.Tricks;
        var targets = new FcosTargetAssigner(options).Assign(points, perLevel, Tensor.Zeros(0, 4), Tensor.Zeros([0], ScalarType.Int64), NumClasses);
        AssignFixtures.SameLongs(f[config + "_empty_labels"], targets.Labels, "labels");
        TensorAssert.Close(f[config + "_empty_bbox_targets"], targets.BoxTargets, 0, 0, "bbox targets");
        Assert.True(targets.GtIndices.Eq(0).All().ToBoolean());
    }

    [Fact]
    public void A_point_inside_several_gts_takes_the_smallest_and_equal_areas_the_first()
    {
        using var scope = Engine.NewDisposeScope();
        var points = PointGenerator.SingleLevel(2, 3, 8); // (4, 4) (12, 4) (20, 4) / (4, 12) (12, 12) (20, 12)
        var labels = Tensor.FromArray(new long[] { 3, 5 });
        var assigner = new FcosTargetAssigner(OneLevel());
        // Equal areas (256): the middle column is in both gts and goes to gt 0.
        var equal = assigner.Assign(points, [6], Tensor.FromArray(new float[] { 0, 0, 16, 16, 8, 0, 24, 16 }, 2, 4), labels, NumClasses);
        Assert.Equal([3L, 3, 5, 3, 3, 5], equal.Labels.ToArray<long>());
        Assert.Equal([1L, 1, 2, 1, 1, 2], equal.GtIndices.ToArray<long>());
        Assert.Equal(new float[] { 4, 4, 12, 12, 12, 4, 4, 12, 12, 4, 4, 12, 4, 12, 12, 4, 12, 12, 4, 4, 12, 12, 4, 4 },
            equal.BoxTargets.ToArray<float>());
        // gt 1 one pixel shorter (area 240): the middle column goes to it.
        var smaller = assigner.Assign(points, [6], Tensor.FromArray(new float[] { 0, 0, 16, 16, 8, 0, 24, 15 }, 2, 4), labels, NumClasses);
        Assert.Equal([3L, 5, 5, 3, 5, 5], smaller.Labels.ToArray<long>());
        Assert.Equal(new float[] { 4, 4, 12, 11 }, smaller.BoxTargets.Narrow(0, 1, 1).ToArray<float>());
    }

    [Fact]
    public void Regress_range_includes_both_ends()
    {
        using var scope = Engine.NewDisposeScope();
        var points = PointGenerator.SingleLevel(2, 3, 8);
        var gt = Tensor.FromArray(new float[] { 0, 0, 16, 16 }, 1, 4); // every inside point has max(l, t, r, b) = 12
        var labels = Tensor.FromArray(new long[] { 3 });
        long[] Labels(double low, double high) =>
            new FcosTargetAssigner(OneLevel(low, high)).Assign(points, [6], gt, labels, NumClasses).Labels.ToArray<long>();
        Assert.Equal([3L, 3, NumClasses, 3, 3, NumClasses], Labels(-1, 12));
        Assert.Equal([3L, 3, NumClasses, 3, 3, NumClasses], Labels(12, 100));
        Assert.All(Labels(-1, 11.5), l => Assert.Equal(NumClasses, l));
        Assert.All(Labels(12.5, 100), l => Assert.Equal(NumClasses, l));
    }

    [Fact]
    public void Centre_sampling_keeps_points_near_the_centre_clipped_to_the_gt()
    {
        using var scope = Engine.NewDisposeScope();
        var points = PointGenerator.SingleLevel(8, 8, 8); // x, y in 4, 12, …, 60
        var labels = Tensor.FromArray(new long[] { 2 });
        var sampling = new FcosTargetAssigner(OneLevel() with { CenterSampling = true });
        long[] Positives(FcosTargetAssigner assigner, float[] box) =>
            assigner.Assign(points, [64], Tensor.FromArray(box, 1, 4), labels, NumClasses).Labels.Lt(NumClasses).NonzeroFlat().ToArray<long>();
        // gt [0, 0, 64, 64]: centre box (32 ± 12)² = (20, 44)², strictly inside: x, y ∈ {28, 36}.
        Assert.Equal([27L, 28, 35, 36], Positives(sampling, [0, 0, 64, 64]));
        Assert.Equal(64, Positives(new FcosTargetAssigner(OneLevel()), [0, 0, 64, 64]).Length);
        // gt [30, 30, 40, 64]: centre (35, 47) ± 12, x clipped to (30, 40) → x = 36 only (28 and 44 lie in the
        // unclipped box but outside the gt); y ∈ (35, 59) → 36, 44, 52.
        Assert.Equal([36L, 44, 52], Positives(sampling, [30, 30, 40, 64]));
    }

    [Fact]
    public void Norm_on_bbox_divides_the_targets_by_the_stride_of_the_points_level()
    {
        using var scope = Engine.NewDisposeScope();
        var levels = PointGenerator.Points([(8, 8), (4, 4)], [8, 16]);
        var points = Tensor.Cat(levels);
        var gt = Tensor.FromArray(new float[] { 0, 0, 64, 64 }, 1, 4);
        var labels = Tensor.FromArray(new long[] { 2 });
        var options = new FcosTargetOptions { Strides = [8, 16], RegressRanges = [(-1, 40), (40, 100)], NormOnBbox = true };
        var normed = new FcosTargetAssigner(options).Assign(points, [64, 16], gt, labels, NumClasses);
        var pixels = new FcosTargetAssigner(options with { NormOnBbox = false }).Assign(points, [64, 16], gt, labels, NumClasses);
        // Level 0, point (28, 28): (28, 28, 36, 36) px = (3.5, 3.5, 4.5, 4.5) strides of 8.
        Assert.Equal(new float[] { 28, 28, 36, 36 }, pixels.BoxTargets.Narrow(0, 27, 1).ToArray<float>());
        Assert.Equal(new float[] { 3.5f, 3.5f, 4.5f, 4.5f }, normed.BoxTargets.Narrow(0, 27, 1).ToArray<float>());
        // Level 1, point (8, 8) (stride 16, offset 8): (8, 8, 56, 56) px, in range (40, 100) = (0.5, 0.5, 3.5, 3.5).
        Assert.Equal(2L, normed.Labels.ToArray<long>()[64]);
        Assert.Equal(new float[] { 0.5f, 0.5f, 3.5f, 3.5f }, normed.BoxTargets.Narrow(0, 64, 1).ToArray<float>());
        Assert.Equal(normed.Labels.ToArray<long>(), pixels.Labels.ToArray<long>());
    }

    [Fact]
    public void Centerness_target_follows_the_fcos_formula()
    {
        using var scope = Engine.NewDisposeScope();
        var targets = Tensor.FromArray(new float[] { 4, 4, 12, 12, 5, 5, 5, 5, 3.5f, 3.5f, 4.5f, 4.5f, 2, 9, 6, 3 }, 4, 4);
        float[] c = FcosTargetAssigner.CenternessTarget(targets).ToArray<float>();
        float[] expected = [1f / 3, 1, 3.5f / 4.5f, MathF.Sqrt(2f / 6 * (3f / 9))];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], c[i], 6);
        }

        Assert.Equal(0, FcosTargetAssigner.CenternessTarget(Tensor.Zeros(0, 4)).NumElements);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        using var scope = Engine.NewDisposeScope();
        var points = PointGenerator.SingleLevel(2, 3, 8);
        var gt = Tensor.FromArray(new float[] { 0, 0, 16, 16 }, 1, 4);
        var labels = Tensor.FromArray(new long[] { 3 });
        var assigner = new FcosTargetAssigner(OneLevel());
        Assert.Throws<ArgumentException>(() => assigner.Assign(points, [5], gt, labels, NumClasses));
        Assert.Throws<ArgumentException>(() => assigner.Assign(points, [3, 3], gt, labels, NumClasses));
        Assert.Throws<ArgumentException>(() => assigner.Assign(points, [6], gt, Tensor.FromArray(new long[] { 3, 4 }), NumClasses));
        Assert.Throws<ArgumentOutOfRangeException>(() => assigner.Assign(points, [6], gt, labels, 0));
        Assert.Throws<ArgumentException>(() => new FcosTargetAssigner(new FcosTargetOptions { Strides = [8] }));
        Assert.Throws<ArgumentException>(() => new FcosTargetAssigner(OneLevel(10, 5)));
        Assert.Throws<ArgumentException>(() => new FcosTargetAssigner(OneLevel() with { CenterSampleRadius = 0 }));
    }

    private static (Tensor Points, int[] PerLevel) Points(Dictionary<string, Tensor> f)
    {
        long[] sizes = f["sizes"].ToArray<long>();
        int[] strides = OneStageFixtures.Ints(f["strides"]);
        var featureSizes = new (long Height, long Width)[strides.Length];
        for (int l = 0; l < strides.Length; l++)
        {
            featureSizes[l] = (sizes[2 * l], sizes[(2 * l) + 1]);
        }

        var levels = PointGenerator.Points(featureSizes, strides);
        return (Tensor.Cat(levels), Array.ConvertAll(levels, p => checked((int)p.Size(0))));
    }
}
