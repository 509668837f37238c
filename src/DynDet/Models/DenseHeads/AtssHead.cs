using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data;
using DynDet.Dynamic;
using DynDet.Losses;
using DynDet.Models.Layers;
using DynDet.Models.RoIHeads;
using DynDet.Structures;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// MMDetection 2.x's <c>ATSSHead</c> (SPEC §5): on every level, with shared weights, a classification tower and a box
/// tower of <c>stacked_convs</c> 3×3 conv + GroupNorm + ReLU layers, then <c>atss_cls</c> (A·C sigmoid logits),
/// <c>atss_reg</c> (A·4 deltas, times the level's learnable <c>scales.l</c>, no exp) and <c>atss_centerness</c> (A logits,
/// from the box tower), 3×3. Init N(0, 0.01), the classifier's bias at the prior probability 0.01.
/// <para>
/// Loss (<c>ATSSHead.loss</c> / <c>loss_single</c>): each image's valid anchors are assigned by ATSS (the anchor head's
/// target step, <see cref="AnchorTargetStep"/>, with the ATSS assigner and a pseudo sampler); the sigmoid focal loss over
/// every valid anchor and the centerness BCE over the positives are divided by
/// <c>num_total_samples = Σ_images max(#pos, 1)</c>; the GIoU loss (weight 2) between the decoded predicted box and
/// the decoded target box (the gt encoded and decoded again, as MMDetection does) is weighted by the centerness
/// target and divided by <c>max(Σ centerness targets over all levels and images, 1)</c> (MMDetection's
/// <c>bbox_avg_factor</c>, clamped at 1). Every term is returned per level.
/// </para>
/// <para>
/// Test: per level the 1000 anchors with the highest <c>max_c(σ(cls_c)·σ(centerness))</c>; the score threshold on the
/// raw class score; the final score <c>σ(cls)·σ(centerness)</c>; per-class NMS (IoU 0.6); the best 100
/// (<see cref="AnchorHead.PostProcess"/> with score factors). Parameter names are MMDetection's
/// (<c>cls_convs.0.conv.weight</c>, <c>cls_convs.0.gn.weight</c>, <c>atss_cls.weight</c>, <c>scales.0.scale</c>, …).
/// </para>
/// <para>
/// Dynamic ATSS (SPEC §7.2, options of the same head): with <see cref="AtssAssignerConfig.CombinedIous"/> each image's
/// anchors are assigned by the combined IoU of the boxes the head predicts now (decoded from the deltas, detached) and
/// the anchors (<see cref="AtssAssigner.Assign"/> with predicted boxes, weighted by
/// <see cref="AtssAssignerConfig.Balance"/>); each positive's soft target q is the IoU of its predicted box (detached)
/// with its gt. <see cref="AtssHeadConfig.LossCls"/> chooses focal (hard targets), QFL or VFL (target q);
/// <see cref="AtssHeadConfig.QualityBranch"/> <c>iou</c> trains the third branch with BCE to q, weights the GIoU loss
/// by q (divided by <c>max(Σq, 1)</c>) and scores <c>sqrt(σ(cls)·σ(iou))</c> at test. Every step publishes the
/// assignment's statistics (<see cref="AssignmentStatistics"/>) under <c>bbox_head.</c>, for ATSS as for Dynamic ATSS.
/// </para>
/// </summary>
public sealed class AtssHead : AnchorHead
{
    /// <summary>The prior foreground probability the classifier's bias starts at (π = 0.01).</summary>
    public const double PriorProbability = 0.01;

    private readonly ModuleList<ConvModule> _clsConvs;
    private readonly ModuleList<ConvModule> _regConvs;
    private readonly Conv2d _cls;
    private readonly Conv2d _reg;
    private readonly Conv2d _centerness;
    private readonly ModuleList<Scale> _scales;
    private readonly SigmoidFocalLoss _focal;
    private readonly QualityFocalLoss _qfl;
    private readonly VarifocalLoss _vfl;
    private readonly GiouLoss _giou;
    private readonly BinaryCrossEntropyLoss _centernessLoss;

    /// <summary>Creates the head.</summary>
    /// <param name="inChannels">Channels of the pyramid maps.</param>
    /// <param name="numClasses">Foreground classes C.</param>
    /// <param name="config">Tower sizes and losses.</param>
    /// <param name="options">Coder, test settings and conventions.</param>
    /// <param name="priors">Octave anchors with valid flags; the head owns them.</param>
    /// <param name="targets">The target step with the ATSS assigner and a pseudo sampler.</param>
    /// <exception cref="ArgumentException"><paramref name="targets"/> does not assign by ATSS.</exception>
    public AtssHead(int inChannels, int numClasses, AtssHeadConfig config, AnchorHeadOptions options, AnchorPriors priors,
        AnchorTargetStep targets)
        : base(numClasses, options, priors, targets)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (targets.AtssAssigner is null)
        {
            throw new ArgumentException("the ATSS head needs a target step with the ATSS assigner", nameof(targets));
        }

        Config = config;
        _clsConvs = RegisterModule("cls_convs", new ModuleList<ConvModule>());
        _regConvs = RegisterModule("reg_convs", new ModuleList<ConvModule>());
        for (int i = 0; i < config.StackedConvs; i++)
        {
            int channels = i == 0 ? inChannels : config.FeatChannels;
            _clsConvs.Add(new ConvModule(channels, config.FeatChannels, 3, 1, 1, config.NormGroups));
            _regConvs.Add(new ConvModule(channels, config.FeatChannels, 3, 1, 1, config.NormGroups));
        }

        int towerOut = config.StackedConvs > 0 ? config.FeatChannels : inChannels;
        _cls = RegisterModule("atss_cls", new Conv2d(towerOut, AnchorsPerLocation * numClasses, 3, 1, 1));
        _reg = RegisterModule("atss_reg", new Conv2d(towerOut, AnchorsPerLocation * 4, 3, 1, 1));
        _centerness = RegisterModule("atss_centerness", new Conv2d(towerOut, AnchorsPerLocation, 3, 1, 1));
        _scales = RegisterModule("scales", new ModuleList<Scale>());
        foreach (var _ in priors.Options.Strides)
        {
            _scales.Add(new Scale(1.0));
        }

        foreach (var conv in _clsConvs.Concat(_regConvs).Select(c => c.Conv))
        {
            Init.Normal_(conv.Weight, 0, 0.01);
        }

        foreach (var conv in new[] { _cls, _reg, _centerness })
        {
            Init.Normal_(conv.Weight, 0, 0.01);
            Init.Zeros_(conv.Bias!);
        }

        Init.Constant_(_cls.Bias!, Init.BiasForPriorProbability(PriorProbability));
        var cls = config.LossCls;
        _focal = new SigmoidFocalLoss(cls.Type == ClassificationLossKind.Focal ? cls.AlphaInEffect() : SigmoidFocalLoss.DefaultAlpha,
            cls.Gamma, cls.Weight);
        _qfl = new QualityFocalLoss(cls.Gamma, cls.Weight);
        _vfl = new VarifocalLoss(cls.Type == ClassificationLossKind.Vfl ? cls.AlphaInEffect() : VarifocalLoss.DefaultAlpha, cls.Gamma,
            cls.IouWeighted, cls.Weight);
        _giou = new GiouLoss(GiouLoss.DefaultEps, config.LossBbox.Weight);
        _centernessLoss = new BinaryCrossEntropyLoss(config.LossCenterness.Weight);
    }

    /// <summary>The configuration.</summary>
    public AtssHeadConfig Config { get; }

    /// <summary>
    /// The prefix of the statistics this head publishes (<c>bbox_head</c>): <see cref="AssignmentStatistics.Name"/>
    /// under it.
    /// </summary>
    public const string StatisticsSource = "bbox_head";

    /// <summary>
    /// Per level: class logits (N, H·W·A, C), deltas (N, H·W·A, 4) (already multiplied by the level's scale) and
    /// centerness logits (N, H·W·A), location-major then anchor, as the anchors.
    /// </summary>
    public (Tensor[] Logits, Tensor[] Deltas, Tensor[] Centerness) Forward(Tensor[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != _scales.Count)
        {
            throw new ArgumentException($"the head has {_scales.Count} levels but got {features.Length} maps", nameof(features));
        }

        using var scope = Engine.NewDisposeScope();
        var logits = new Tensor[features.Length];
        var deltas = new Tensor[features.Length];
        var centerness = new Tensor[features.Length];
        for (int level = 0; level < features.Length; level++)
        {
            var cls = features[level];
            var reg = features[level];
            for (int i = 0; i < _clsConvs.Count; i++)
            {
                cls = _clsConvs[i].Forward(cls);
                reg = _regConvs[i].Forward(reg);
            }

            long n = cls.Size(0);
            logits[level] = scope.MoveToOuter(_cls.Forward(cls).Permute(0, 2, 3, 1).Reshape(n, -1, NumClasses));
            deltas[level] = scope.MoveToOuter(_scales[level].Forward(_reg.Forward(reg)).Permute(0, 2, 3, 1).Reshape(n, -1, 4));
            centerness[level] = scope.MoveToOuter(_centerness.Forward(reg).Permute(0, 2, 3, 1).Reshape(n, -1));
        }

        return (logits, deltas, centerness);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> Loss(Tensor[] features, DetectionBatch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        var (logits, deltas, centerness) = Forward(features);
        var sizes = features.Select(f => (f.Size(2), f.Size(3))).ToArray();
        var anchors = Anchors(sizes, (batch.Images.Size(2), batch.Images.Size(3)), batch.Images.Device);
        var losses = Losses(logits, deltas, centerness, anchors, sizes, batch, context);
        return new Dictionary<string, Tensor>
        {
            ["loss_cls"] = scope.MoveToOuter(losses.Classification),
            ["loss_bbox"] = scope.MoveToOuter(losses.Box),
            ["loss_centerness"] = scope.MoveToOuter(losses.Centerness),
        };
    }

    /// <summary>
    /// The classification, GIoU and centerness (or IoU) losses per level (1-d tensors of L values) of the given outputs,
    /// as MMDetection 2.x's <c>ATSSHead.loss</c> for ATSS: targets by <see cref="AnchorHead.Targets"/> (ATSS on each
    /// image's valid anchors; with combined IoUs, given the head's current predicted boxes), element losses summed per
    /// level in one scatter-add each, divided by the global normalisers. No host read. With a
    /// <paramref name="context"/>, the assignment's statistics are published into it.
    /// </summary>
    /// <param name="logits">Class logits per level (N, A_l, C).</param>
    /// <param name="deltas">Deltas per level (N, A_l, 4).</param>
    /// <param name="centerness">Centerness (or IoU) logits per level (N, A_l).</param>
    /// <param name="anchors">Anchors per level (A_l, 4).</param>
    /// <param name="featureSizes">(H, W) of each level's map.</param>
    /// <param name="batch">The images' gts and sizes.</param>
    /// <param name="context">The training step (its position in the run for D_up / D_down; its statistics), or null.</param>
    public (Tensor Classification, Tensor Box, Tensor Centerness) Losses(Tensor[] logits, Tensor[] deltas, Tensor[] centerness,
        Tensor[] anchors, IReadOnlyList<(long Height, long Width)> featureSizes, DetectionBatch batch, StepContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(centerness);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        int numLevels = anchors.Length;
        var allDeltas = Tensor.Cat(deltas, 1).Reshape(-1, 4);
        var targets = Config.Assigner.CombinedIous
            ? Targets(anchors, featureSizes, batch, PredictedBoxes(anchors, allDeltas, batch.Count), CombinedWeights(context))
            : Targets(anchors, featureSizes, batch);
        // 1 / num_total_samples for every image: MMDetection's Σ_images max(#pos, 1) (≥ 1 with one image or more),
        // reduce_mean'd over the processes of a data-parallel run, as the box weight sum below.
        var reducer = context?.Reducer is { WorldSize: > 1 } r ? r : null;
        var normalisers = reducer is null
            ? ImageNormalisers(targets.PosCount, logits[0].Device)
            : Tensor.Ones([batch.Count], device: logits[0].Device)
                / reducer.Mean(Tensor.Full([], targets.PosCount.Sum(p => Math.Max(p, 1)), ScalarType.Float32, logits[0].Device)).ClampMin(1.0);

        var posLevels = targets.PosLevels();
        var posAnchors = targets.PosAnchors;
        var allCenterness = Tensor.Cat(centerness, 1).Reshape(-1);
        var predictedBoxes = Coder.Decode(posAnchors, allDeltas.IndexSelect(0, targets.PosIndex));
        Tensor targetBoxes, centernessTargets, predictedIous, positiveGiou;
        using (Engine.NoGrad())
        {
            // MMDetection stores the encoded deltas as the target and decodes them again (no clip) for the loss.
            targetBoxes = Coder.Decode(posAnchors, Coder.Encode(posAnchors, targets.PosGtBoxes));
            centernessTargets = CenternessTarget(posAnchors, targetBoxes);
            // The soft target q: the IoU of each positive's current prediction with its gt (the assignment's pIoU).
            predictedIous = BoxOps.AlignedIou(predictedBoxes.Detach(), targets.PosGtBoxes);
            positiveGiou = GiouLoss.Loss(predictedBoxes.Detach(), targetBoxes);
        }

        var clsLevels = ClassificationLevels(ClassificationElements(logits, targets, predictedIous), targets, normalisers, numLevels);
        bool iouBranch = Config.QualityBranch == QualityBranch.Iou;
        var quality = iouBranch ? predictedIous : centernessTargets;
        var giou = _giou.Elementwise(predictedBoxes, targetBoxes, quality);
        // MMDetection's quality-weighted box losses (ATSS, GFL, VFNet) divide by max(Σ weights, 1); the DLA code divides
        // by Σq itself.
        var boxAverage = (reducer is null ? quality.Sum() : reducer.Mean(quality.Detach().Sum())).ClampMin(1.0);
        // With no positive the box and centerness terms are zeros that still reach their branches (MMDetection's
        // bbox_pred.sum() * 0 and centerness.sum() * 0).
        var boxLevels = LevelSum.Of(giou, posLevels, numLevels) / boxAverage + allDeltas.Sum() * 0.0;
        var bce = _centernessLoss.Elementwise(allCenterness.IndexSelect(0, targets.PosIndex), quality)
            * normalisers.IndexSelect(0, targets.PosImage);
        var centernessLevels = LevelSum.Of(bce, posLevels, numLevels) + allCenterness.Sum() * 0.0;
        if (context is not null)
        {
            context.Statistics.Publish($"{StatisticsSource}.{AssignmentStatistics.Name}",
                AssignmentStatistics.Of(targets, predictedIous, positiveGiou));
        }

        return (scope.MoveToOuter(clsLevels), scope.MoveToOuter(boxLevels), scope.MoveToOuter(centernessLevels));
    }

    /// <summary>
    /// The boxes the head predicts now from every anchor of every image, (N, A, 4), decoded from the detached deltas
    /// without clipping (as the DLA code decodes them for its assignment).
    /// </summary>
    private Tensor PredictedBoxes(Tensor[] anchors, Tensor allDeltas, int images)
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var all = Tensor.Cat(anchors);
        long count = all.Size(0);
        var repeated = all.Unsqueeze(0).Expand(images, count, 4).Reshape(-1, 4);
        return scope.MoveToOuter(Coder.Decode(repeated, allDeltas.Detach()).Reshape(images, count, 4));
    }

    /// <summary>The combined-IoU weights of this step (<see cref="AtssAssignerConfig.Balance"/>; null: the 1 : 1 sum).</summary>
    private CombinedIouWeights? CombinedWeights(StepContext? context)
    {
        var balance = Config.Assigner.Balance;
        if (balance == CombinedIouBalance.Sum)
        {
            return null;
        }

        double progress = (context ?? throw new InvalidOperationException(
            $"the combined-IoU balance {balance} needs the training step's position (a StepContext)")).Progress;
        return balance switch
        {
            CombinedIouBalance.DUp => new CombinedIouWeights(progress, 1.0),
            CombinedIouBalance.DDown => new CombinedIouWeights(1.0, 1.0 - progress),
            _ => new CombinedIouWeights(progress, 1.0 - progress),
        };
    }

    /// <summary>
    /// The classification loss of every (anchor, class) pair (N·A, C), weighted by the label weights: focal against the
    /// labels, or QFL / VFL against the positives' predicted IoUs q (clamped ≥ 1e-6 for VFL, as VFNet's head does).
    /// </summary>
    private Tensor ClassificationElements(Tensor[] logits, AnchorTargets targets, Tensor predictedIous)
    {
        using var scope = Engine.NewDisposeScope();
        var flat = Tensor.Cat(logits, 1).Reshape(-1, NumClasses);
        var kind = Config.LossCls.Type;
        if (kind == ClassificationLossKind.Focal)
        {
            return scope.MoveToOuter(_focal.Elementwise(flat, targets.Labels, targets.LabelWeights));
        }

        var q = kind == ClassificationLossKind.Vfl ? predictedIous.ClampMin(1e-6) : predictedIous;
        var scores = Tensor.Zeros([flat.Size(0)], q.Dtype, q.Device).Scatter(0, targets.PosIndex, q);
        return scope.MoveToOuter(kind == ClassificationLossKind.Qfl
            ? _qfl.Elementwise(flat, targets.Labels, scores, targets.LabelWeights)
            : _vfl.Elementwise(flat, targets.Labels, scores, targets.LabelWeights));
    }

    /// <summary>
    /// ATSS's centerness target (MMDetection's <c>ATSSHead.centerness_target</c>): the FCOS centerness of each anchor's
    /// centre within its (decoded) gt box, <c>sqrt(min(l, r)/max(l, r) · min(t, b)/max(t, b))</c>, shape (P). Meant for
    /// positives, whose centres lie inside their gts.
    /// </summary>
    /// <param name="anchors">(P, 4) anchors.</param>
    /// <param name="gtBoxes">(P, 4) their gt boxes.</param>
    public static Tensor CenternessTarget(Tensor anchors, Tensor gtBoxes)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(gtBoxes);
        using var scope = Engine.NewDisposeScope();
        var cx = (anchors.Select(1, 2) + anchors.Select(1, 0)) / 2.0;
        var cy = (anchors.Select(1, 3) + anchors.Select(1, 1)) / 2.0;
        var distances = Tensor.Stack([cx - gtBoxes.Select(1, 0), cy - gtBoxes.Select(1, 1), gtBoxes.Select(1, 2) - cx,
            gtBoxes.Select(1, 3) - cy], 1);
        return scope.MoveToOuter(FcosTargetAssigner.CenternessTarget(distances));
    }

    /// <inheritdoc />
    public override IReadOnlyList<ImageDetections> Predict(Tensor[] features, DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var (logits, deltas, centerness) = Forward(features);
        var sizes = features.Select(f => (f.Size(2), f.Size(3))).ToArray();
        var anchors = Anchors(sizes, (batch.Images.Size(2), batch.Images.Size(3)), batch.Images.Device);
        return PostProcess(logits, deltas, anchors, batch.Metas, centerness, geometricMean: Config.QualityBranch == QualityBranch.Iou);
    }
}
