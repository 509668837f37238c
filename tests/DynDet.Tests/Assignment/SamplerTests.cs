using DynDet.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

public sealed class SamplerTests : TorchTest
{
    [Fact]
    public void Random_sampler_draws_the_same_samples_as_mmdetection_from_the_same_seed()
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("sampler");
        var assigner = new MaxIouAssigner(MaxIouAssignerOptions.RCnn);
        Engine.ManualSeed(2024);
        foreach (var (name, options) in new[]
                 {
                     ("rcnn", RandomSamplerOptions.RCnn),
                     ("rpn", RandomSamplerOptions.Rpn),
                     ("ub", RandomSamplerOptions.RCnn with { NegPosUb = 1.5 }),
                 })
        {
            using var assignment = assigner.Assign(f["props"], f["gts"], f["labels"]);
            using var sample = new RandomSampler(options).Sample(assignment, f["props"], f["gts"], f["labels"]);
            AssignFixtures.SameLongs(f[name + "_pos_inds"], sample.PosIndices, name + " pos_inds");
            AssignFixtures.SameLongs(f[name + "_neg_inds"], sample.NegIndices, name + " neg_inds");
            AssignFixtures.SameLongs(f[name + "_pos_assigned_gt_inds"], sample.PosAssignedGtIndices, name + " pos_assigned_gt_inds");
            AssignFixtures.SameLongs(f[name + "_pos_gt_labels"], sample.PosGtLabels!, name + " pos_gt_labels");
            AssignFixtures.SameLongs(f[name + "_pos_is_gt"], sample.PosIsGt, name + " pos_is_gt");
            TensorAssert.Close(f[name + "_pos_bboxes"], sample.PosBoxes, 0, 0, name + " pos_bboxes");
            TensorAssert.Close(f[name + "_neg_bboxes"], sample.NegBoxes, 0, 0, name + " neg_bboxes");
            TensorAssert.Close(f[name + "_pos_gt_bboxes"], sample.PosGtBoxes, 0, 0, name + " pos_gt_bboxes");
            TensorAssert.Close(f[name + "_max_overlaps"], assignment.MaxOverlaps, 0, 0, name + " max_overlaps after add_gt_");
        }
    }

    [Fact]
    public void Counts_follow_num_and_pos_fraction_and_positives_come_first()
    {
        using var scope = Engine.NewDisposeScope();
        // 300 positives (gt 1), 900 negatives, 100 ignored
        var gtInds = Tensor.Cat([Tensor.Ones([300], ScalarType.Int64), Tensor.Zeros([900], ScalarType.Int64),
            Tensor.Full([100], -1L, ScalarType.Int64)]);
        var boxes = Tensor.Rand(1300, 4);
        var gts = Tensor.FromArray(new float[] { 0, 0, 1, 1 }, 1, 4);
        var sampler = new RandomSampler(RandomSamplerOptions.RCnn with { AddGtAsProposals = false });
        using (var many = Sample(sampler, gtInds, boxes, gts))
        {
            Assert.Equal((128L, 384L), (many.NumPos, many.NumNeg)); // pos ≤ 512·0.25, total = 512
            var all = many.Boxes;
            TensorAssert.Close(many.PosBoxes, all.Narrow(0, 0, 128), 0, 0);
            TensorAssert.Close(many.NegBoxes, all.Narrow(0, 128, 384), 0, 0);
            Assert.True(many.PosIndices.Lt(300).All().ToBoolean() && many.NegIndices.Ge(300).All().ToBoolean());
            Assert.True(many.NegIndices.Lt(1200).All().ToBoolean(), "ignored boxes are never sampled");
            var sorted = many.PosIndices.Sort().Values;
            Assert.True(sorted.Equal(many.PosIndices), "indices ascend, as after MMDetection's unique()");
        }

        // few positives: the rest of Num are negatives
        var fewPos = gtInds.Clone();
        fewPos.Narrow(0, 10, 290).Fill_(-1);
        using (var few = Sample(sampler, fewPos, boxes, gts))
        {
            Assert.Equal((10L, 502L), (few.NumPos, few.NumNeg));
        }

        // too few negatives: everything available, fewer than Num
        var fewNeg = gtInds.Clone();
        fewNeg.Narrow(0, 300, 850).Fill_(-1);
        using (var scarce = Sample(sampler, fewNeg, boxes, gts))
        {
            Assert.Equal((128L, 50L), (scarce.NumPos, scarce.NumNeg));
        }

        // neg_pos_ub caps negatives at (int)(ub · max(1, #pos))
        using (var capped = Sample(new RandomSampler(RandomSamplerOptions.Rpn with { NegPosUb = 2 }), fewPos, boxes, gts))
        {
            Assert.Equal((10L, 20L), (capped.NumPos, capped.NumNeg));
        }
    }

    [Fact]
    public void Samples_repeat_under_the_same_seed_and_change_with_another()
    {
        using var scope = Engine.NewDisposeScope();
        var gtInds = Tensor.Cat([Tensor.Ones([300], ScalarType.Int64), Tensor.Zeros([900], ScalarType.Int64)]);
        var boxes = Tensor.Rand(1200, 4);
        var gts = Tensor.FromArray(new float[] { 0, 0, 1, 1 }, 1, 4);
        var sampler = new RandomSampler(RandomSamplerOptions.Rpn);
        long[] Draw(ulong seed)
        {
            Engine.ManualSeed(seed);
            using var s = Sample(sampler, gtInds, boxes, gts);
            return [.. s.PosIndices.ToArray<long>(), .. s.NegIndices.ToArray<long>()];
        }

        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
    }

    [Fact]
    public void Adding_gts_marks_them_and_changes_the_assignment_in_place()
    {
        using var scope = Engine.NewDisposeScope();
        var boxes = Tensor.FromArray(new float[] { 0, 0, 10, 10, 50, 50, 60, 60, 0, 0, 9, 10 }, 3, 4);
        var gts = Tensor.FromArray(new float[] { 0, 0, 10, 10 }, 1, 4);
        var labels = Tensor.FromArray(new long[] { 4 });
        using var assignment = new MaxIouAssigner().Assign(boxes, gts, labels);
        using var sample = new RandomSampler().Sample(assignment, boxes, gts, labels);
        Assert.Equal(4, assignment.NumBoxes);
        Assert.Equal([0L, 1, 3], sample.PosIndices.ToArray<long>()); // the gt, box 0 (IoU 1), box 2 (IoU 0.9)
        Assert.Equal([2L], sample.NegIndices.ToArray<long>());
        Assert.Equal([true, false, false], sample.PosIsGt.ToArray<bool>());
        Assert.Equal([4L, 4, 4], sample.PosGtLabels!.ToArray<long>());
        Assert.Equal([0L, 0, 0], sample.PosAssignedGtIndices.ToArray<long>());
        TensorAssert.Close(gts.Expand(3, 4), sample.PosGtBoxes, 0, 0);
        Assert.Throws<ArgumentNullException>(() => new RandomSampler().Sample(assignment, Tensor.Zeros(4, 4), gts));
        Assert.Throws<ArgumentException>(() => new RandomSampler().Sample(assignment, boxes, gts, labels)); // 3 boxes, 4 assigned
    }

    [Fact]
    public void Pseudo_sampler_takes_every_positive_and_negative()
    {
        using var scope = Engine.NewDisposeScope();
        var gtInds = Tensor.FromArray(new long[] { 0, 2, -1, 1, 0, 0 });
        var boxes = Tensor.Rand(6, 4);
        var gts = Tensor.Rand(2, 4);
        using var assignment = new AssignResult(2, gtInds, Tensor.Zeros(6), null);
        using var sample = new PseudoSampler().Sample(assignment, boxes, gts);
        Assert.Equal([1L, 3], sample.PosIndices.ToArray<long>());
        Assert.Equal([0L, 4, 5], sample.NegIndices.ToArray<long>());
        Assert.Equal([1L, 0], sample.PosAssignedGtIndices.ToArray<long>());
        TensorAssert.Close(Tensor.Stack([gts.Select(0, 1), gts.Select(0, 0)]), sample.PosGtBoxes, 0, 0);
        Assert.Null(sample.PosGtLabels);
        Assert.False(sample.PosIsGt.Any().ToBoolean());
        Assert.Equal(6, assignment.NumBoxes);
    }

    private static SamplingResult Sample(RandomSampler sampler, Tensor gtInds, Tensor boxes, Tensor gts)
    {
        using var assignment = new AssignResult(gts.Size(0), gtInds.Clone(), Tensor.Zeros(gtInds.Size(0)), null);
        return sampler.Sample(assignment, boxes, gts);
    }
}
