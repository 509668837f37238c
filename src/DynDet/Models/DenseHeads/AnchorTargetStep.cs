using DynDet.Assignment;
using DynDet.Data;
using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// The per-image target step anchor-based heads share (MMDetection's <c>AnchorHead._get_targets_single</c>): for each
/// image, the anchors it trains on (<see cref="AnchorPriors.ValidIndices"/>) are assigned to its gts (MaxIoU, or ATSS
/// with the number of valid anchors of each level), a sampler picks positives and negatives (the RPN's
/// <see cref="RandomSampler"/>, 256 with half positives; a <see cref="PseudoSampler"/> for RetinaNet and ATSS: every
/// positive and negative), and the positives get their anchor, gt box, label and, given a coder, their encoded targets.
/// Ignored and invalid anchors are in neither set. Everything is computed without gradients; the random sampler draws
/// from the global generator in image order, assignment then sampling, so a seeded run is reproducible.
/// </summary>
public sealed class AnchorTargetStep
{
    private readonly MaxIouAssigner? _maxIou;
    private readonly AtssAssigner? _atss;

    /// <summary>A step with a MaxIoU assigner (RPN: 0.7/0.3; RetinaNet: 0.5/0.4).</summary>
    /// <param name="assigner">The anchor assigner.</param>
    /// <param name="sampler">The sampler (random for the RPN, pseudo for one-stage heads).</param>
    /// <exception cref="ArgumentException">The sampler adds the gts as proposals (anchors have no such rows).</exception>
    public AnchorTargetStep(MaxIouAssigner assigner, IBoxSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(assigner);
        Sampler = CheckSampler(sampler);
        _maxIou = assigner;
    }

    /// <summary>A step with the ATSS assigner (SPEC §5.2), which also takes each level's number of valid anchors.</summary>
    /// <param name="assigner">The anchor assigner.</param>
    /// <param name="sampler">The sampler (pseudo for ATSS).</param>
    /// <exception cref="ArgumentException">The sampler adds the gts as proposals (anchors have no such rows).</exception>
    public AnchorTargetStep(AtssAssigner assigner, IBoxSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(assigner);
        Sampler = CheckSampler(sampler);
        _atss = assigner;
    }

    /// <summary>The MaxIoU assigner, or null when the step assigns by ATSS.</summary>
    public MaxIouAssigner? MaxIouAssigner => _maxIou;

    /// <summary>The ATSS assigner, or null when the step assigns by MaxIoU.</summary>
    public AtssAssigner? AtssAssigner => _atss;

    /// <summary>The sampler.</summary>
    public IBoxSampler Sampler { get; }

    /// <summary>
    /// Samples the anchors of every image of <paramref name="batch"/> (see the class summary). No device read beyond
    /// the samples' shapes.
    /// </summary>
    /// <param name="priors">The head's anchors and valid-flag rule.</param>
    /// <param name="anchors">Anchors per level (A_l, 4), from <paramref name="priors"/>.</param>
    /// <param name="featureSizes">(H, W) of each level's map.</param>
    /// <param name="batch">The images' gts and sizes.</param>
    /// <param name="coder">When given, each image's positives are encoded (anchor → gt) into <see cref="AnchorSamples.PosTargets"/>.</param>
    /// <param name="predictedBoxes">
    /// Null, or Dynamic ATSS's (N, A, 4) boxes predicted from every anchor (detached): each image's valid ones go to the
    /// ATSS assigner with <paramref name="weights"/> (SPEC §7.2). The MaxIoU step refuses them.
    /// </param>
    /// <param name="weights">The combined-IoU weights (null: the 1 : 1 sum).</param>
    public AnchorSamples Sample(AnchorPriors priors, Tensor[] anchors, IReadOnlyList<(long Height, long Width)> featureSizes,
        DetectionBatch batch, DeltaXywhBoxCoder? coder = null, Tensor? predictedBoxes = null, CombinedIouWeights? weights = null)
    {
        ArgumentNullException.ThrowIfNull(priors);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(featureSizes);
        ArgumentNullException.ThrowIfNull(batch);
        if (predictedBoxes is not null && _atss is null)
        {
            throw new ArgumentException("predicted boxes take part only in the ATSS assignment (Dynamic ATSS)", nameof(predictedBoxes));
        }

        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var all = Tensor.Cat(anchors);
        long total = all.Size(0);
        var device = all.Device;
        // The level of every anchor of one image, in the concatenated order (sizes are shapes: no device read).
        var levels = AnchorPriors.LevelIds(anchors);
        int n = batch.Count;
        var posIndex = new Tensor[n];
        var negIndex = new Tensor[n];
        var posLocal = new Tensor[n];
        var negLocal = new Tensor[n];
        var posImage = new Tensor[n];
        var posAnchors = new Tensor[n];
        var posGtBoxes = new Tensor[n];
        var posLabels = new Tensor[n];
        var posTargets = new Tensor[n];
        var posCount = new long[n];
        var negCount = new long[n];
        var gtCount = new long[n];
        var thresholds = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            var valid = priors.ValidIndices(featureSizes, batch.Metas[i], device);
            var candidates = valid is null ? all : all.IndexSelect(0, valid);
            var gt = batch.Targets[i];
            var predicted = predictedBoxes?.Select(0, i);
            if (predicted is not null && valid is not null)
            {
                predicted = predicted.IndexSelect(0, valid);
            }

            using var assignment = _atss is null
                ? _maxIou!.Assign(candidates, gt.Boxes, gt.Labels)
                : _atss.Assign(candidates, priors.ValidCounts(anchors, featureSizes, batch.Metas[i]), gt.Boxes, gt.Labels, predicted, weights);
            gtCount[i] = gt.Boxes.Size(0);
            thresholds[i] = assignment.Thresholds is { } thr ? thr.Detach() : Tensor.Zeros([0], device: device);
            using var sample = Sampler.Sample(assignment, candidates, gt.Boxes, gt.Labels);
            var pos = valid is null ? sample.PosIndices : valid.IndexSelect(0, sample.PosIndices);
            var neg = valid is null ? sample.NegIndices : valid.IndexSelect(0, sample.NegIndices);
            posLocal[i] = pos.Alias();
            negLocal[i] = neg.Alias();
            posIndex[i] = pos + i * total;
            negIndex[i] = neg + i * total;
            posCount[i] = sample.NumPos;
            negCount[i] = sample.NumNeg;
            posImage[i] = Tensor.Full([posCount[i]], i, ScalarType.Int64, device);
            posAnchors[i] = sample.PosBoxes.Alias();
            posGtBoxes[i] = sample.PosGtBoxes.Alias();
            posLabels[i] = gt.Labels.IndexSelect(0, sample.PosAssignedGtIndices);
            if (coder is not null)
            {
                posTargets[i] = coder.Encode(sample.PosBoxes, sample.PosGtBoxes);
            }
        }

        var result = new AnchorSamples(Tensor.Cat(posIndex), Tensor.Cat(negIndex), levels.IndexSelect(0, Tensor.Cat(posLocal)),
            levels.IndexSelect(0, Tensor.Cat(negLocal)), Tensor.Cat(posImage), Tensor.Cat(posAnchors), Tensor.Cat(posGtBoxes),
            Tensor.Cat(posLabels), coder is null ? null : Tensor.Cat(posTargets), posCount, negCount, total,
            _atss is null ? null : Tensor.Cat(thresholds), gtCount);
        scope.MoveToOuter(result.PosIndex, result.NegIndex, result.PosLevels, result.NegLevels, result.PosImage, result.PosAnchors,
            result.PosGtBoxes, result.PosLabels);
        if (result.PosTargets is not null)
        {
            scope.MoveToOuter(result.PosTargets);
        }

        if (result.Thresholds is not null)
        {
            scope.MoveToOuter(result.Thresholds);
        }

        return result;
    }

    // Sampled indices must be rows of the image's anchors, so the sampler may not prepend the gts.
    private static IBoxSampler CheckSampler(IBoxSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (sampler is RandomSampler { Options.AddGtAsProposals: true })
        {
            throw new ArgumentException("an anchor head's sampler cannot add the gts as proposals (add_gt_as_proposals must be false)",
                nameof(sampler));
        }

        return sampler;
    }
}
