using DynDet.Assignment;
using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Losses;
using DynDet.Models.RoIHeads;
using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// What anchor-based dense heads share (MMDetection's <c>AnchorHead</c>), for one-stage detectors: the anchors and valid
/// flags (<see cref="AnchorPriors"/>) and the per-image target step (<see cref="AnchorTargetStep"/>: MaxIoU or ATSS with a
/// pseudo sampler) that the RPN uses too, the dense labels with C as background, the loss normalisers, and test-time
/// post-processing (candidates per level, decode, clip, per-class NMS, optionally with a score factor such as
/// centerness). A subclass adds its layers and losses (<see cref="RetinaHead"/>, <see cref="AtssHead"/>).
/// </summary>
public abstract class AnchorHead : DenseHead
{
    private readonly AnchorTargetStep _targetStep;

    /// <summary>Creates the shared parts; the head owns (disposes) <paramref name="priors"/>.</summary>
    /// <param name="numClasses">Foreground classes C (≥ 1).</param>
    /// <param name="options">Coder, test settings and conventions.</param>
    /// <param name="priors">Anchors and the valid-flag rule.</param>
    /// <param name="targets">The target step (MaxIoU or ATSS assigner, pseudo sampler).</param>
    protected AnchorHead(int numClasses, AnchorHeadOptions options, AnchorPriors priors, AnchorTargetStep targets)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(priors);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        NumClasses = numClasses;
        Options = options;
        Priors = priors;
        _targetStep = targets;
        Coder = new DeltaXywhBoxCoder(options.Coder);
        AnchorsPerLocation = priors.AnchorsPerLocation;
    }

    /// <summary>Foreground classes C.</summary>
    public int NumClasses { get; }

    /// <summary>The options the head was built with.</summary>
    public AnchorHeadOptions Options { get; }

    /// <summary>Anchors per grid location A.</summary>
    public int AnchorsPerLocation { get; }

    /// <summary>The anchors and valid-flag rule.</summary>
    protected AnchorPriors Priors { get; }

    /// <summary>The box coder.</summary>
    protected DeltaXywhBoxCoder Coder { get; }

    /// <summary>Anchors of every level (H·W·A, 4) for maps of the given sizes, location-major then anchor (caller's scope).</summary>
    public Tensor[] Anchors(IReadOnlyList<(long Height, long Width)> sizes, (long Height, long Width) imageSize, Device device) =>
        Priors.Anchors(sizes, imageSize, device);

    /// <summary>
    /// Targets of every anchor of the batch from the shared target step (<see cref="AnchorTargetStep.Sample"/>): per image,
    /// the valid anchors are assigned to the gts (every anchor when the image has none is negative), positives get their
    /// gt's label and box, ignored and invalid anchors weight 0. The ATSS assigner gets the number of valid anchors of
    /// each level (MMDetection's <c>get_num_level_anchors_inside</c>, from the shapes: no device read).
    /// </summary>
    /// <param name="anchors">Anchors per level (A_l, 4).</param>
    /// <param name="featureSizes">(H, W) of each level's map.</param>
    /// <param name="batch">The images' gts and sizes.</param>
    /// <param name="predictedBoxes">
    /// Null, or Dynamic ATSS's (N, A, 4) boxes the head currently predicts from every anchor (decoded, detached;
    /// ATSS assigner only): each image's valid ones go to <see cref="AtssAssigner.Assign"/> with
    /// <paramref name="weights"/> (SPEC §7.2).
    /// </param>
    /// <param name="weights">The combined-IoU weights (null: the 1 : 1 sum).</param>
    public AnchorTargets Targets(Tensor[] anchors, IReadOnlyList<(long Height, long Width)> featureSizes, DetectionBatch batch,
        Tensor? predictedBoxes = null, CombinedIouWeights? weights = null)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var samples = _targetStep.Sample(Priors, anchors, featureSizes, batch, predictedBoxes: predictedBoxes, weights: weights);
        long count = samples.AnchorsPerImage * batch.Count;
        var device = samples.PosIndex.Device;
        var labels = Tensor.Full([count], NumClasses, ScalarType.Int64, device).Scatter(0, samples.PosIndex, samples.PosLabels);
        var trained = Tensor.Cat([samples.PosIndex, samples.NegIndex]);
        var labelWeights = Tensor.Zeros([count], device: device).Scatter(0, trained, Tensor.Ones([trained.Size(0)], device: device));
        var result = new AnchorTargets(labels, labelWeights, samples.PosIndex, samples.PosGtBoxes, samples.PosImage, samples.PosAnchors,
            AnchorPriors.LevelIds(anchors).Repeat(batch.Count), samples.PosCount, samples.Thresholds, samples.GtCount);
        scope.MoveToOuter(result.Labels, result.LabelWeights, result.PosIndex, result.PosGtBoxes, result.PosImage, result.PosAnchors,
            result.AnchorLevels);
        if (result.Thresholds is not null)
        {
            scope.MoveToOuter(result.Thresholds);
        }

        return result;
    }

    /// <summary>
    /// The factor each image's per-anchor losses are multiplied by (float (N), caller's scope): 1 / Σ max(#pos, 1) for
    /// every image (MMDetection's average factor), or 1 / (max(1, #pos_i) · N) (torchvision's per-image mean).
    /// </summary>
    public Tensor ImageNormalisers(IReadOnlyList<long> posCount, Device device)
    {
        ArgumentNullException.ThrowIfNull(posCount);
        double[] factors = Options.Normaliser == DenseLossNormaliser.AverageFactor
            ? Enumerable.Repeat(1.0 / posCount.Sum(p => Math.Max(p, 1)), posCount.Count).ToArray()
            : posCount.Select(p => 1.0 / (Math.Max(p, 1) * (double)posCount.Count)).ToArray();
        return Tensor.FromArray(factors.Select(f => (float)f).ToArray(), factors.Length).To(device);
    }

    /// <summary>
    /// The classification term per level (1-d, L values): <paramref name="focal"/> over every (anchor, class) pair of
    /// the batch with the targets' labels and label weights, each anchor's sum times its image's normaliser
    /// (<see cref="ImageNormalisers"/>), one scatter-add by level. A new tensor (caller's scope).
    /// </summary>
    protected Tensor FocalLevels(Tensor[] logits, AnchorTargets targets, Tensor normalisers, SigmoidFocalLoss focal)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(normalisers);
        ArgumentNullException.ThrowIfNull(focal);
        using var scope = Engine.NewDisposeScope();
        // A background anchor's targets are all zero; ignored and invalid anchors weigh 0.
        var elements = focal.Elementwise(Tensor.Cat(logits, 1).Reshape(-1, NumClasses), targets.Labels, targets.LabelWeights);
        return scope.MoveToOuter(ClassificationLevels(elements, targets, normalisers, logits.Length));
    }

    /// <summary>
    /// A classification term per level (1-d, L values) from its element losses (N·A, C) over every (anchor, class) pair
    /// of the batch, already weighted by the label weights: each anchor's sum times its image's normaliser, one
    /// scatter-add by level. A new tensor (caller's scope).
    /// </summary>
    protected static Tensor ClassificationLevels(Tensor elements, AnchorTargets targets, Tensor normalisers, int numLevels)
    {
        ArgumentNullException.ThrowIfNull(elements);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(normalisers);
        using var scope = Engine.NewDisposeScope();
        long images = normalisers.Size(0);
        long perImage = targets.AnchorLevels.Size(0) / images;
        var anchorImages = Tensor.Arange(images, ScalarType.Int64, normalisers.Device).Unsqueeze(1).Expand(images, perImage).Reshape(-1);
        var perAnchor = elements.Sum(1);
        return scope.MoveToOuter(LevelSum.Of(perAnchor * normalisers.IndexSelect(0, anchorImages), targets.AnchorLevels, numLevels));
    }

    /// <summary>
    /// Detections from per-level class logits (N, A_l, C) and deltas (N, A_l, 4): candidates per level by
    /// <see cref="AnchorHeadOptions.Candidates"/>, decoded and clipped to each resized image, mapped to original pixels,
    /// per-class NMS, best first.
    /// </summary>
    /// <param name="logits">Class logits per level (N, A_l, C).</param>
    /// <param name="deltas">Deltas per level (N, A_l, 4).</param>
    /// <param name="anchors">Anchors per level (A_l, 4).</param>
    /// <param name="metas">The images' sizes.</param>
    /// <param name="scoreFactorLogits">
    /// Null, or per level (N, A_l) logits of a score factor (ATSS's centerness; only with
    /// <see cref="DenseCandidateRule.TopAnchors"/>): then, as MMDetection 2.x's <c>ATSSHead._get_bboxes_single</c>, each
    /// level's candidates are the anchors with the highest <c>max_c(σ(cls_c) · σ(factor))</c>, the score threshold still
    /// applies to the raw class score, and the score kept and ranked by NMS is <c>σ(cls) · σ(factor)</c>.
    /// </param>
    /// <param name="geometricMean">
    /// With <paramref name="scoreFactorLogits"/>: the final score is <c>sqrt(σ(cls) · σ(factor))</c> (Dynamic ATSS's IoU
    /// branch, the DLA code's inference.py) instead of the product; the candidates, the threshold on σ(cls) and the
    /// NMS order are the same (the square root keeps the order).
    /// </param>
    public IReadOnlyList<ImageDetections> PostProcess(Tensor[] logits, Tensor[] deltas, Tensor[] anchors, IReadOnlyList<ImageMeta> metas,
        Tensor[]? scoreFactorLogits = null, bool geometricMean = false)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(metas);
        if (scoreFactorLogits is not null && Options.Candidates != DenseCandidateRule.TopAnchors)
        {
            throw new ArgumentException("score factors need MMDetection's candidate rule (TopAnchors)", nameof(scoreFactorLogits));
        }
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var test = Options.Test;
        var results = new ImageDetections[metas.Count];
        for (int i = 0; i < metas.Count; i++)
        {
            var meta = metas[i];
            (double, double) shape = (meta.Height, meta.Width);
            Tensor boxes, scores, labels;
            if (Options.Candidates == DenseCandidateRule.TopAnchors)
            {
                var levelBoxes = new Tensor[logits.Length];
                var levelScores = new Tensor[logits.Length];
                var levelFactors = new Tensor[logits.Length];
                for (int l = 0; l < logits.Length; l++)
                {
                    var s = logits[l].Select(0, i).Sigmoid();
                    var f = scoreFactorLogits?[l].Select(0, i).Sigmoid();
                    var d = deltas[l].Select(0, i);
                    var a = anchors[l];
                    if (test.NmsPre < s.Size(0))
                    {
                        var ranking = f is null ? s.Amax(1) : (s * f.Unsqueeze(1)).Amax(1);
                        var (_, top) = ranking.TopK(test.NmsPre, 0);
                        s = s.IndexSelect(0, top);
                        f = f?.IndexSelect(0, top);
                        d = d.IndexSelect(0, top);
                        a = a.IndexSelect(0, top);
                    }

                    levelBoxes[l] = Coder.Decode(a, d, shape);
                    levelScores[l] = s;
                    levelFactors[l] = f!;
                }

                (boxes, scores, labels) = BatchedNms.MultiClass(meta.MapToOriginal(Tensor.Cat(levelBoxes)), Tensor.Cat(levelScores),
                    test.ScoreThr, test.NmsIou, test.MaxPerImage, scoreFactorLogits is null ? null : Tensor.Cat(levelFactors));
                if (geometricMean && scoreFactorLogits is not null)
                {
                    scores = scores.Sqrt();
                }
            }
            else
            {
                var levelBoxes = new Tensor[logits.Length];
                var levelScores = new Tensor[logits.Length];
                var levelLabels = new Tensor[logits.Length];
                for (int l = 0; l < logits.Length; l++)
                {
                    var flat = logits[l].Select(0, i).Sigmoid().Reshape(-1);
                    var kept = flat.Gt(test.ScoreThr).NonzeroFlat();
                    var keptScores = flat.IndexSelect(0, kept);
                    var (top, order) = keptScores.TopK(Math.Min(test.NmsPre, kept.Size(0)), 0);
                    var pairs = kept.IndexSelect(0, order);
                    var anchorIndex = pairs.Div(Tensor.Full([1], NumClasses, ScalarType.Int64, pairs.Device), "floor");
                    levelLabels[l] = pairs.Remainder(NumClasses);
                    levelBoxes[l] = Coder.Decode(anchors[l].IndexSelect(0, anchorIndex), deltas[l].Select(0, i).IndexSelect(0, anchorIndex), shape);
                    levelScores[l] = top;
                }

                var all = Tensor.Cat(levelBoxes);
                var allScores = Tensor.Cat(levelScores);
                var allLabels = Tensor.Cat(levelLabels);
                var keep = BatchedNms.Apply(all, allScores, allLabels, test.NmsIou, maxKeep: test.MaxPerImage);
                boxes = meta.MapToOriginal(all.IndexSelect(0, keep));
                scores = allScores.IndexSelect(0, keep);
                labels = allLabels.IndexSelect(0, keep);
            }

            results[i] = new ImageDetections(meta.ImageId, boxes.To(Device.Cpu).ToArray<float>(), scores.To(Device.Cpu).ToArray<float>(),
                labels.To(Device.Cpu).ToArray<long>());
        }

        return results;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Priors.Dispose();
        }

        base.Dispose(disposing);
    }
}
