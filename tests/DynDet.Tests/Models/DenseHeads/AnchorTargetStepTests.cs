using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data;
using DynDet.Models.DenseHeads;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models.DenseHeads;

/// <summary>The per-image target step the RPN, RetinaNet and ATSS share.</summary>
public sealed class AnchorTargetStepTests : TorchTest
{
    private static readonly (long Height, long Width)[] Sizes = [(16, 16), (8, 8), (4, 4), (2, 2), (1, 1)];

    // Image 0 fills the 64×64 batch; image 1 is padded to 64×32, so only its left half of the grid is valid.
    private static DetectionBatch Batch() => TestBatches.Make(64, 64,
        [Tensor.FromArray(new float[] { 16, 16, 48, 48 }, 1, 4), Tensor.FromArray(new float[] { 4, 4, 28, 40, 2, 30, 14, 62 }, 2, 4)],
        [Tensor.FromArray(new long[] { 0 }), Tensor.FromArray(new long[] { 2, 1 })],
        [((64, 64), (64, 64)), ((64, 30), (64, 32))]);

    [Fact]
    public void A_random_sampler_that_takes_every_anchor_samples_what_the_pseudo_sampler_does_and_only_valid_anchors()
    {
        using var scope = Engine.NewDisposeScope();
        using var priors = new AnchorPriors(AnchorGeneratorOptions.FasterRcnn, useValidFlags: true);
        using var batch = Batch();
        var anchors = priors.Anchors(Sizes, (64, 64), Device.Cpu);
        var everything = new RandomSampler(RandomSamplerOptions.Rpn with { Num = 1_000_000 });
        var random = new AnchorTargetStep(new MaxIouAssigner(MaxIouAssignerOptions.Rpn), everything)
            .Sample(priors, anchors, Sizes, batch, new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.Rpn));
        var pseudo = new AnchorTargetStep(new MaxIouAssigner(MaxIouAssignerOptions.Rpn), new PseudoSampler())
            .Sample(priors, anchors, Sizes, batch);

        Assert.All(random.PosCount.Concat(random.NegCount), count => Assert.True(count > 0));
        Assert.Equal(pseudo.PosIndex.ToArray<long>(), random.PosIndex.ToArray<long>());
        Assert.Equal(pseudo.NegIndex.ToArray<long>(), random.NegIndex.ToArray<long>());
        Assert.Equal(pseudo.PosLabels.ToArray<long>(), random.PosLabels.ToArray<long>());
        Assert.Null(pseudo.PosTargets);

        // Every anchor image 1 trains on lies inside its padded area (valid flags), and the levels are the anchors' own.
        long total = random.AnchorsPerImage;
        var valid = priors.ValidIndices(Sizes, batch.Metas[1], Device.Cpu)!.ToArray<long>().ToHashSet();
        Assert.True(valid.Count < total, "image 1's right half should be invalid");
        long[] trained = [.. random.PosIndex.ToArray<long>().Concat(random.NegIndex.ToArray<long>()).Where(k => k >= total)];
        Assert.All(trained, k => Assert.Contains(k - total, valid));
        var levels = AnchorPriors.LevelIds(anchors);
        Assert.Equal(levels.IndexSelect(0, random.PosIndex.Remainder(total)).ToArray<long>(), random.PosLevels.ToArray<long>());
        Assert.Equal(levels.IndexSelect(0, random.NegIndex.Remainder(total)).ToArray<long>(), random.NegLevels.ToArray<long>());
        // Image 1's positives regress to its gts (labels 2 and 1), the targets are the coder's.
        Assert.Equal(random.PosCount[1], random.PosLabels.ToArray<long>().Skip((int)random.PosCount[0]).Count(l => l is 1 or 2));
        TensorAssert.Close(new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.Rpn).Encode(random.PosAnchors, random.PosGtBoxes),
            random.PosTargets!, 1e-6, 1e-6, "targets");
    }

    [Fact]
    public void A_sampler_that_adds_the_gts_as_proposals_is_refused()
    {
        var sampler = new RandomSampler(RandomSamplerOptions.Rpn with { AddGtAsProposals = true });
        var error = Assert.Throws<ArgumentException>(() => new AnchorTargetStep(new MaxIouAssigner(MaxIouAssignerOptions.Rpn), sampler));
        Assert.Contains("add_gt_as_proposals", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rpn_refuses_a_target_step_that_does_not_assign_by_max_iou()
    {
        using var priors = new AnchorPriors(AnchorGeneratorOptions.FasterRcnn, useValidFlags: true);
        var atss = new AnchorTargetStep(new AtssAssigner(), new PseudoSampler());
        Assert.Throws<ArgumentException>(() => new RpnHead(8, new RpnConfig(), priors, atss,
            new ProposalGenerator(new DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions.Rpn))));
    }
}
