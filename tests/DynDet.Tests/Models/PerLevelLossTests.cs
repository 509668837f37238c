using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data;
using DynDet.Losses;
using DynDet.Models.Detectors;
using DynDet.Models.RoIHeads;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Tests.Models;

/// <summary>
/// The heads' per-level loss terms: they sum to the scalar losses computed the previous way (reduction sum over
/// all levels / the head's normaliser), a weighting of ones leaves every gradient bit-identical, and each level
/// gets exactly the anchors / RoIs that belong to it on hand-built cases.
/// </summary>
/// <remarks>
/// Sum vs. previous scalar: equal within float32 rounding, not bit-exact in general, because the previous loss
/// summed every element in one float32 reduction while the levels are accumulated per level (in float64), rounded,
/// divided, then summed. The tests allow a relative 1e-6 (≈ 8 float32 ulps); measured on these batches: the RPN's
/// two terms bit-identical, the R-CNN head's within 1 ulp (loss_cls 1.3454574 vs 1.3454576, −1.2e-7; loss_bbox
/// with SmoothL1 −7.3e-12 at 9.8e-5; with L1 identical). Gradients are bit-exact: each element still receives
/// exactly 1/normaliser.
/// </remarks>
public sealed class PerLevelLossTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];

    // float32 rounding: the per-level sum and the one-reduction sum may differ by a few ulps (2^-23 ≈ 1.2e-7 each).
    private const double SumTolerance = 1e-6;

    private static TwoStageDetector Model(params string[] overrides) => TestDetectors.TwoStage(ConfigLoader.Load("faster_rcnn_r50_fpn_1x",
    [
        "model.num_classes=0", "model.backbone.depth=18", "model.backbone.width=0.25", "model.neck.out_channels=16",
        "model.roi_head.fc_channels=32",
        "model.rpn.train_proposals.nms_pre=200", "model.rpn.train_proposals.max_per_image=100",
        "model.roi_head.sampler.num=64",
        .. overrides,
    ]), Classes);

    /// <summary>Two random 64×64 images with three gts of several sizes (every anchor valid: no padding).</summary>
    private static DetectionBatch RandomBatch(ulong seed)
    {
        using var scope = Engine.NewDisposeScope();
        var batch = TestBatches.Make(64, 64,
            [Tensor.FromArray(new float[] { 4, 6, 30, 40, 20, 8, 62, 50 }, 2, 4), Tensor.FromArray(new float[] { 2, 2, 20, 25 }, 1, 4)],
            [Tensor.FromArray(new long[] { 0, 2 }), Tensor.FromArray(new long[] { 1 })]);
        Engine.ManualSeed(seed);
        batch.Images.Copy_(Tensor.Randn(2, 3, 64, 64));
        return batch;
    }

    private static void AssertSumsTo(Tensor expectedScalar, Tensor levels, int numLevels, string what)
    {
        Assert.Equal([numLevels], levels.Shape);
        double expected = expectedScalar.To(ScalarType.Float64).ToDouble();
        double sum = levels.Sum().To(ScalarType.Float64).ToDouble();
        // The float32 sum of the levels (what DetectorLosses.Terms holds) against the float32 one-reduction loss.
        Assert.True(Math.Abs(sum - expected) <= SumTolerance * Math.Abs(expected) + 1e-12,
            $"{what}: levels sum to {sum:R}, the previous loss is {expected:R} (difference {sum - expected:E2})");
        Assert.True(expected > 0, $"{what}: the batch should give a non-zero loss");
    }

    [Fact]
    public void Rpn_levels_sum_to_the_previous_scalar_losses_on_a_real_batch()
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(2);
        using var model = Model();
        model.Train();
        using var batch = RandomBatch(3);
        var features = model.Neck.Forward(model.Backbone.Forward(batch.Images));
        var sizes = features.Select(f => (f.Size(2), f.Size(3))).ToArray();
        var (objectness, deltas) = model.RpnHead.Forward(features);
        var anchors = model.RpnHead.Anchors(sizes, (64, 64), Device.Cpu);
        Engine.ManualSeed(5);
        var losses = model.RpnHead.Loss(objectness, deltas, anchors, sizes, batch);

        // The previous computation, on the same draws: BCE (reduction sum) and the box loss over all levels at once.
        Engine.ManualSeed(5);
        var config = model.Config.Model.AsTwoStage().Rpn;
        var assigner = new MaxIouAssigner(config.Assigner.ToOptions());
        var sampler = new RandomSampler(config.Sampler.ToOptions());
        var coder = new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.Rpn);
        var allAnchors = Tensor.Cat(anchors);
        long total = allAnchors.Size(0);
        var positives = new List<Tensor>();
        var negatives = new List<Tensor>();
        var targets = new List<Tensor>();
        long avgFactor = 0, numPos = 0, numNeg = 0;
        using (Engine.NoGrad())
        {
            for (int i = 0; i < batch.Count; i++)
            {
                using var assignment = assigner.Assign(allAnchors, batch.Targets[i].Boxes, batch.Targets[i].Labels);
                using var sample = sampler.Sample(assignment, allAnchors, batch.Targets[i].Boxes, batch.Targets[i].Labels);
                positives.Add(sample.PosIndices + i * total);
                negatives.Add(sample.NegIndices + i * total);
                targets.Add(coder.Encode(sample.PosBoxes, sample.PosGtBoxes));
                numPos += sample.NumPos;
                numNeg += sample.NumNeg;
                avgFactor += Math.Max(sample.NumPos, 1) + Math.Max(sample.NumNeg, 1);
            }
        }

        Assert.Equal((numPos, numNeg), (losses.Positives, losses.Negatives));
        Assert.True(numPos > 0, "the batch should have positive anchors");
        var posIndex = Tensor.Cat(positives);
        var logits = Tensor.Cat(objectness, 1).Reshape(-1).IndexSelect(0, Tensor.Cat([posIndex, Tensor.Cat(negatives)]));
        var labels = Tensor.Cat([Tensor.Ones([numPos]), Tensor.Zeros([numNeg])]);
        var previousCls = Functional.BinaryCrossEntropyWithLogits(logits, labels, reduction: Reduction.Sum) / (double)avgFactor;
        var previousBox = new BoxRegressionLoss(config.LossBox).Compute(
            Tensor.Cat(deltas, 1).Reshape(-1, 4).IndexSelect(0, posIndex), Tensor.Cat(targets), avgFactor);

        AssertSumsTo(previousCls, losses.ObjectnessLevels, 5, "loss_rpn_cls");
        AssertSumsTo(previousBox, losses.BoxLevels, 5, "loss_rpn_bbox");
        Assert.True(losses.Objectness.Equal(losses.ObjectnessLevels.Sum()), "the term is the sum of its levels");
        Assert.True(losses.Box.Equal(losses.BoxLevels.Sum()), "the term is the sum of its levels");
        Assert.True(losses.ObjectnessLevels.ToArray<float>().Count(v => v > 0) >= 3, "several levels should carry objectness loss");
    }

    [Theory]
    [InlineData("l1")]
    [InlineData("smooth_l1")]
    public void Rcnn_levels_sum_to_the_previous_scalar_losses_and_back_propagate_the_same_gradients(string boxLoss)
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(2);
        using var model = Model($"model.roi_head.loss_box.type={boxLoss}", "model.roi_head.loss_box.beta=0.3");
        model.Train();
        using var batch = RandomBatch(4);
        var features = model.Neck.Forward(model.Backbone.Forward(batch.Images)).Take(4).ToArray();
        // Proposals of every size, so the sampled RoIs reach several levels: the gts (prepended) and random boxes.
        Engine.ManualSeed(6);
        var proposals = Enumerable.Range(0, 2).Select(_ =>
        {
            var xy = Tensor.Rand(60, 2) * 40;
            var wh = Tensor.Rand(60, 2) * 200 + 4;
            return Tensor.Cat([xy, xy + wh], 1);
        }).ToArray();
        Engine.ManualSeed(7);
        var targets = model.RoiHead.SampleTargets(proposals, batch);
        var (pooled, roiLevels) = model.RoiHead.Extractor.ExtractWithLevels(features, targets.Rois);
        Assert.True(roiLevels.ToArray<long>().Distinct().Count() >= 2, "the sampled RoIs should be pooled from at least two levels");
        var (logits, deltas) = model.RoiHead.BoxHead.Forward(pooled);
        var losses = model.RoiHead.Loss(logits, deltas, targets, roiLevels);

        // The previous computation: cross-entropy (reduction sum) and the box loss over all RoIs / sampled RoIs.
        long sampled = targets.Sampled;
        var previousCls = Functional.CrossEntropy(logits, targets.Labels, reduction: Reduction.Sum) / (double)sampled;
        var previousBox = new BoxRegressionLoss(model.Config.Model.AsTwoStage().RoiHead.LossBox).Compute(
            deltas.View(sampled, -1, 4).Index(targets.PositiveRows, targets.PositiveLabels), targets.PositiveTargets, sampled);
        Assert.True(targets.Positives > 0, "the batch should have positive RoIs");
        AssertSumsTo(previousCls, losses.ClassificationLevels, 4, "loss_cls");
        AssertSumsTo(previousBox, losses.BoxLevels, 4, "loss_bbox");

        // Same gradients, bit for bit: the element-wise math is unchanged and each element still gets 1/R.
        var previousGrads = Gradients(model, previousCls + previousBox, retain: true);
        var grads = Gradients(model, losses.Classification + losses.Box, retain: false);
        Assert.Equal(previousGrads.Keys, grads.Keys);
        foreach (var (name, grad) in grads)
        {
            Assert.True(previousGrads[name].Equal(grad), $"the gradient of {name} differs from the previous loss's");
        }
    }

    [Fact]
    public void A_weight_vector_of_ones_leaves_every_gradient_unchanged_and_other_weights_reach_the_backward_pass()
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(2);
        using var model = Model();
        model.Train();
        using var batch = RandomBatch(3);
        Engine.ManualSeed(5);
        var losses = TestDetectors.Loss(model, batch);
        Assert.Equal(["loss_rpn_cls", "loss_rpn_bbox", "loss_cls", "loss_bbox"], losses.Levels.Keys);
        Assert.Equal(losses.Terms.Keys, losses.Levels.Keys);
        Assert.Equal([5L, 5, 4, 4], losses.Levels.Values.Select(l => l.Size(0)));
        foreach (var (name, levels) in losses.Levels)
        {
            Assert.True(losses.Terms[name].Equal(levels.Sum()), $"{name} is the sum of its levels");
        }

        Tensor Weighted(Func<string, long, Tensor> weights) =>
            losses.Levels.Select(p => (weights(p.Key, p.Value.Size(0)) * p.Value).Sum()).Aggregate((a, b) => a + b);

        var plain = Gradients(model, losses.Total, retain: true);
        var ones = Gradients(model, Weighted((_, l) => Tensor.Ones([l])), retain: true);
        Assert.Equal(plain.Keys, ones.Keys);
        Assert.Contains("rpn_head.rpn_cls.weight", plain.Keys);
        Assert.Contains("roi_head.bbox_head.fc_cls.weight", plain.Keys);
        foreach (var (name, grad) in plain)
        {
            Assert.True(ones[name].Equal(grad), $"the gradient of {name} changed under weights of ones");
        }

        Assert.True(plain["rpn_head.rpn_cls.weight"].Abs().Sum().ToDouble() > 0, "the RPN's gradient should not vanish");
        // The comparison is sensitive: doubling P2's objectness changes the RPN classifier's gradient.
        var doubled = Gradients(model, Weighted((name, l) => name == "loss_rpn_cls"
            ? Tensor.FromArray(new float[] { 2, 1, 1, 1, 1 }) : Tensor.Ones([l])), retain: false);
        Assert.False(doubled["rpn_head.rpn_cls.weight"].Equal(plain["rpn_head.rpn_cls.weight"]),
            "a weight on P2 should change the RPN classifier's gradient");
    }

    [Fact]
    public void Rpn_levels_hold_exactly_their_anchors_when_only_p2_has_positives()
    {
        using var scope = Engine.NewDisposeScope();
        // A sampler large enough to take every positive and negative (no random subset), so the counts are known.
        using var model = Model("model.rpn.sampler.num=4096");
        // Image 0: one 32×32 gt equal to the ratio-1 P2 anchor centred at (32, 32); image 1: no gt.
        using var batch = TestBatches.Make(64, 64,
            [Tensor.FromArray(new float[] { 16, 16, 48, 48 }, 1, 4), Tensor.Zeros([0, 4])],
            [Tensor.FromArray(new long[] { 0 }), Tensor.Zeros([0], ScalarType.Int64)]);
        (long, long)[] sizes = [(16, 16), (8, 8), (4, 4), (2, 2), (1, 1)];
        var anchors = model.RpnHead.Anchors(sizes, (64, 64), Device.Cpu);
        long[] counts = [.. anchors.Select(a => a.Size(0))];
        double[] logit = [0.5, -1, 1.5, -2, 0.25];
        var objectness = Enumerable.Range(0, 5).Select(l => Tensor.Full([2, counts[l]], logit[l])).ToArray();
        var deltas = counts.Select(n => Tensor.Zeros([2, n, 4])).ToArray();
        var losses = model.RpnHead.Loss(objectness, deltas, anchors, sizes, batch);

        // Positives: the matching anchor and its four neighbours one stride (4 px) away (IoU 0.78); shifted
        // diagonally (0.62) or by 8 px (0.6) they are ignored, and every P3–P6 anchor has IoU ≤ 0.25: negative.
        Assert.Equal(5, losses.Positives);
        long p3p6 = counts.Skip(1).Sum();
        long p2Negatives = losses.Negatives - 2 * p3p6;
        Assert.InRange(p2Negatives, 1, 2 * counts[0] - 5);
        // avg factor: image 0 has both kinds; image 1 has no positive (counted as 1).
        double avgFactor = losses.Positives + losses.Negatives + 1;
        static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
        double[] expectedCls = new double[5];
        expectedCls[0] = (5 * Softplus(-logit[0]) + p2Negatives * Softplus(logit[0])) / avgFactor;
        for (int l = 1; l < 5; l++)
        {
            expectedCls[l] = 2 * counts[l] * Softplus(logit[l]) / avgFactor;
        }

        double[] cls = losses.ObjectnessLevels.To(ScalarType.Float64).ToArray<double>();
        for (int l = 0; l < 5; l++)
        {
            Assert.True(Math.Abs(cls[l] - expectedCls[l]) <= 1e-6 * expectedCls[l], $"P{l + 2} objectness {cls[l]:R}, expected {expectedCls[l]:R}");
        }

        // Box: zero deltas against targets (∓4/32, 0, 0, 0) of the four neighbours (the match's are 0): L1 sum 0.5, all on P2.
        double[] box = losses.BoxLevels.To(ScalarType.Float64).ToArray<double>();
        Assert.True(Math.Abs(box[0] - 0.5 / avgFactor) <= 1e-6 * box[0], $"P2 box {box[0]:R}, expected {0.5 / avgFactor:R}");
        Assert.Equal([0.0, 0, 0, 0], box.Skip(1));
    }

    [Fact]
    public void Rcnn_levels_hold_exactly_the_rois_pooled_there_when_only_p4_has_positives()
    {
        using var scope = Engine.NewDisposeScope();
        using var model = Model("model.roi_head.loss_box.type=l1");
        // MMDetection's rule (finest scale 56): √area < 112 → P2, < 224 → P3, < 448 → P4, else P5.
        float[] sides = [50, 150, 300, 500, 60, 320];
        int[] expectedLevels = [0, 1, 2, 3, 0, 2];
        int r = sides.Length;
        var rois = Tensor.FromArray(sides.SelectMany((s, i) => new[] { 0f, i, i, i + s, i + s }).ToArray(), r, 5);
        var features = new long[] { 128, 64, 32, 16 }.Select(s => Tensor.Randn(1, 2, s, s)).ToArray();
        var (_, roiLevels) = model.RoiHead.Extractor.ExtractWithLevels(features, rois);
        Assert.Equal(expectedLevels.Select(l => (long)l), roiLevels.ToArray<long>());

        // Rows 2 and 5 (both P4) are positive, classes 1 and 0; the rest background (class 3).
        long[] labels = [3, 3, 1, 3, 3, 0];
        float[] logitData = new float[r * 4];
        float[] deltaData = new float[r * 12];
        for (int k = 0; k < logitData.Length; k++)
        {
            logitData[k] = (float)Math.Sin(k + 1);
        }

        for (int k = 0; k < deltaData.Length; k++)
        {
            deltaData[k] = (float)Math.Cos(k + 1);
        }

        float[] targetData = [0.1f, -0.2f, 0.3f, -0.4f, 0.5f, 0.6f, -0.7f, 0.8f];
        var targets = new RoiTargets(rois, Tensor.FromArray(labels), Tensor.FromArray(new long[] { 2, 5 }),
            Tensor.FromArray(new long[] { 1, 0 }), Tensor.FromArray(targetData, 2, 4), [], null);
        var logits = Tensor.FromArray(logitData, r, 4);
        var deltas = Tensor.FromArray(deltaData, r, 12);
        var losses = model.RoiHead.Loss(logits, deltas, targets, roiLevels);

        double[] expectedCls = new double[4];
        for (int i = 0; i < r; i++)
        {
            var row = logitData.Skip(i * 4).Take(4).Select(v => (double)v).ToArray();
            double crossEntropy = Math.Log(row.Sum(Math.Exp)) - row[labels[i]];
            expectedCls[expectedLevels[i]] += crossEntropy / r;
        }

        double weight = model.Config.Model.AsTwoStage().RoiHead.LossBox.Weight;
        double boxP4 = 0;
        foreach (var (row, label, t) in new[] { (2, 1, 0), (5, 0, 1) })
        {
            for (int k = 0; k < 4; k++)
            {
                boxP4 += Math.Abs(deltaData[row * 12 + label * 4 + k] - targetData[t * 4 + k]);
            }
        }

        double[] cls = losses.ClassificationLevels.To(ScalarType.Float64).ToArray<double>();
        double[] box = losses.BoxLevels.To(ScalarType.Float64).ToArray<double>();
        for (int l = 0; l < 4; l++)
        {
            Assert.True(Math.Abs(cls[l] - expectedCls[l]) <= 1e-6 * expectedCls[l], $"P{l + 2} classification {cls[l]:R}, expected {expectedCls[l]:R}");
        }

        Assert.True(Math.Abs(box[2] - weight * boxP4 / r) <= 1e-6 * box[2], $"P4 box {box[2]:R}, expected {weight * boxP4 / r:R}");
        Assert.Equal([0.0, 0, 0], new[] { box[0], box[1], box[3] });
        // Without the extractor's levels the head maps the RoIs with the same rule: the same values.
        var mapped = model.RoiHead.Loss(logits, deltas, targets);
        Assert.True(mapped.ClassificationLevels.Equal(losses.ClassificationLevels) && mapped.BoxLevels.Equal(losses.BoxLevels));
    }

    /// <summary>Gradients of every parameter that gets one after back-propagating <paramref name="loss"/> alone (copies).</summary>
    private static Dictionary<string, Tensor> Gradients(TwoStageDetector model, Tensor loss, bool retain)
    {
        model.ZeroGrad();
        loss.Backward(retainGraph: retain);
        var grads = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in model.NamedParameters())
        {
            if (parameter.Grad is Tensor grad)
            {
                grads[name] = grad.Clone();
            }
        }

        return grads;
    }
}
