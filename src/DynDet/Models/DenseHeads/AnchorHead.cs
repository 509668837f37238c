using DynDet.Assignment;
using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Losses;
using DynDet.Models.RoIHeads;
using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// What anchor-based dense heads share (MMDetection's <c>AnchorHead</c>): the anchors of every level, valid flags,
/// the per-image target step (assignment of the valid anchors by MaxIoU or ATSS, a pseudo sampler, labels with C as
/// background), the loss normalisers, and test-time post-processing (candidates per level, decode, clip, per-class NMS,
/// optionally with a score factor such as centerness). A subclass adds its layers and losses (<see cref="RetinaHead"/>,
/// <see cref="AtssHead"/>).
/// </summary>
public abstract class AnchorHead : DenseHead
{
    private readonly AnchorGenerator _anchors;
    private readonly MaxIouAssigner? _assigner;
    private readonly AtssAssigner? _atssAssigner;

    /// <summary>Creates the shared parts.</summary>
    /// <param name="numClasses">Foreground classes C (≥ 1).</param>
    /// <param name="options">Anchors, coder, assigner (MaxIoU or ATSS, exactly one), test settings and conventions.</param>
    protected AnchorHead(int numClasses, AnchorHeadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        if ((options.Assigner is null) == (options.AtssAssigner is null))
        {
            throw new ArgumentException("an anchor head needs exactly one assigner: MaxIoU (Assigner) or ATSS (AtssAssigner)", nameof(options));
        }

        NumClasses = numClasses;
        Options = options;
        _assigner = options.Assigner is { } maxIou ? new MaxIouAssigner(maxIou) : null;
        _atssAssigner = options.AtssAssigner is { } atss ? new AtssAssigner(atss) : null;
        _anchors = new AnchorGenerator(options.Anchors);
        Coder = new DeltaXywhBoxCoder(options.Coder);
        AnchorsPerLocation = _anchors.NumBaseAnchors(0);
    }

    /// <summary>Foreground classes C.</summary>
    public int NumClasses { get; }

    /// <summary>The options the head was built with.</summary>
    public AnchorHeadOptions Options { get; }

    /// <summary>Anchors per grid location A.</summary>
    public int AnchorsPerLocation { get; }

    /// <summary>The box coder.</summary>
    protected DeltaXywhBoxCoder Coder { get; }

    /// <summary>Anchors of every level (H·W·A, 4) for maps of the given sizes, location-major then anchor (caller's scope).</summary>
    public Tensor[] Anchors(IReadOnlyList<(long Height, long Width)> sizes, (long Height, long Width) imageSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var strides = _anchors.Options.Style == AnchorStyle.TorchVision ? AnchorGenerator.TorchVisionStrides(imageSize, sizes) : null;
        return _anchors.GridAnchors(sizes, device, strides);
    }

    /// <summary>
    /// Targets of every anchor of the batch: per image, the valid anchors are assigned to the gts (every anchor when
    /// the image has none is negative), positives get their gt's label and box, ignored and invalid anchors weight 0.
    /// The ATSS assigner gets the number of valid anchors of each level (MMDetection's
    /// <c>get_num_level_anchors_inside</c>, from the shapes: no device read).
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
        if (predictedBoxes is not null && _atssAssigner is null)
        {
            throw new ArgumentException("predicted boxes take part only in the ATSS assignment (Dynamic ATSS)", nameof(predictedBoxes));
        }

        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var all = Tensor.Cat(anchors);
        long total = all.Size(0);
        var device = all.Device;
        var labels = new Tensor[batch.Count];
        var labelWeights = new Tensor[batch.Count];
        var posIndex = new Tensor[batch.Count];
        var posBoxes = new Tensor[batch.Count];
        var posImage = new Tensor[batch.Count];
        var posAnchors = new Tensor[batch.Count];
        var posCount = new long[batch.Count];
        var gtCount = new long[batch.Count];
        var thresholds = new Tensor[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            var valid = Options.UseValidFlags
                ? AnchorValidity.ValidIndices(featureSizes, _anchors.Options.Strides, AnchorsPerLocation, batch.Metas[i], device)
                : null;
            var candidates = valid is null ? all : all.IndexSelect(0, valid);
            var gt = batch.Targets[i];
            var predicted = predictedBoxes?.Select(0, i);
            if (predicted is not null && valid is not null)
            {
                predicted = predicted.IndexSelect(0, valid);
            }

            using var assignment = _atssAssigner is null
                ? _assigner!.Assign(candidates, gt.Boxes, gt.Labels)
                : _atssAssigner.Assign(candidates, ValidPerLevel(anchors, featureSizes, batch.Metas[i]), gt.Boxes, gt.Labels,
                    predicted, weights);
            gtCount[i] = gt.Boxes.Size(0);
            thresholds[i] = assignment.Thresholds is { } thr ? thr.Detach() : Tensor.Zeros([0], device: device);
            var gtInds = assignment.GtIndices;
            var pos = gtInds.Gt(0).NonzeroFlat();
            var posGt = gtInds.IndexSelect(0, pos) - 1;
            var localLabels = Tensor.Full([candidates.Size(0)], NumClasses, ScalarType.Int64, device)
                .Scatter(0, pos, gt.Labels.IndexSelect(0, posGt));
            var localWeights = gtInds.Ge(0).To(ScalarType.Float32);
            if (valid is null)
            {
                labels[i] = localLabels;
                labelWeights[i] = localWeights;
            }
            else
            {
                labels[i] = Tensor.Full([total], NumClasses, ScalarType.Int64, device).Scatter(0, valid, localLabels);
                labelWeights[i] = Tensor.Zeros([total], device: device).Scatter(0, valid, localWeights);
                pos = valid.IndexSelect(0, pos);
            }

            posIndex[i] = pos + i * total;
            posAnchors[i] = all.IndexSelect(0, pos);
            posBoxes[i] = gt.Boxes.IndexSelect(0, posGt);
            posCount[i] = pos.Size(0);
            posImage[i] = Tensor.Full([posCount[i]], i, ScalarType.Int64, device);
        }

        var result = new AnchorTargets(Tensor.Cat(labels), Tensor.Cat(labelWeights), Tensor.Cat(posIndex), Tensor.Cat(posBoxes),
            Tensor.Cat(posImage), Tensor.Cat(posAnchors), LevelIds(anchors).Repeat(batch.Count), posCount,
            _atssAssigner is null ? null : Tensor.Cat(thresholds), gtCount);
        scope.MoveToOuter(result.Labels, result.LabelWeights, result.PosIndex, result.PosGtBoxes, result.PosImage, result.PosAnchors,
            result.AnchorLevels);
        if (result.Thresholds is not null)
        {
            scope.MoveToOuter(result.Thresholds);
        }
        return result;
    }

    // The number of anchors of each level an image trains on: all of them, or those inside its padded area.
    private int[] ValidPerLevel(Tensor[] anchors, IReadOnlyList<(long Height, long Width)> featureSizes, ImageMeta meta) =>
        Options.UseValidFlags
            ? AnchorValidity.ValidCounts(featureSizes, _anchors.Options.Strides, AnchorsPerLocation, meta)
            : anchors.Select(a => checked((int)a.Size(0))).ToArray();

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

    /// <summary>The level id (int64, 0 … L−1) of each anchor of one image, in the concatenated order (caller's scope).</summary>
    public static Tensor LevelIds(Tensor[] anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return Tensor.Cat([.. anchors.Select((a, l) => Tensor.Full([a.Size(0)], l, ScalarType.Int64, a.Device))]);
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
            _anchors.Dispose();
        }

        base.Dispose(disposing);
    }
}
