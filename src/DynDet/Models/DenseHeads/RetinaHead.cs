using DynDet.Config;
using DynDet.Data;
using DynDet.Diagnostics;
using DynDet.Losses;
using DynDet.Models.Layers;
using DynDet.Models.RoIHeads;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// MMDetection's <c>RetinaHead</c> (SPEC §3): on every level, with shared weights, a classification tower and a box
/// tower of <c>stacked_convs</c> 3×3 conv + ReLU layers, then <c>retina_cls</c> (A·C sigmoid logits) and
/// <c>retina_reg</c> (A·4 deltas), 3×3. Init N(0, 0.01), the classifier's bias at the prior probability 0.01.
/// Loss: sigmoid focal loss over the valid, non-ignored anchors and the box loss on positives' deltas, both per level
/// and divided by the head's normaliser (<see cref="AnchorHeadOptions.Normaliser"/>). Parameter names are MMDetection's
/// (<c>cls_convs.0.conv.weight</c>, <c>retina_cls.weight</c>, …).
/// </summary>
public sealed class RetinaHead : AnchorHead
{
    /// <summary>The prior foreground probability the classifier's bias starts at (RetinaNet's π = 0.01).</summary>
    public const double PriorProbability = 0.01;

    private readonly ModuleList<ConvModule> _clsConvs;
    private readonly ModuleList<ConvModule> _regConvs;
    private readonly Conv2d _cls;
    private readonly Conv2d _reg;
    private readonly BoxRegressionLoss _boxLoss;
    private readonly SigmoidFocalLoss _focal;

    /// <summary>Creates the head.</summary>
    /// <param name="inChannels">Channels of the pyramid maps.</param>
    /// <param name="numClasses">Foreground classes C.</param>
    /// <param name="config">Tower sizes and losses.</param>
    /// <param name="options">Coder, test settings and conventions.</param>
    /// <param name="priors">Anchors and the valid-flag rule; the head owns them.</param>
    /// <param name="targets">The target step (MaxIoU 0.5/0.4, pseudo sampler).</param>
    public RetinaHead(int inChannels, int numClasses, RetinaHeadConfig config, AnchorHeadOptions options, AnchorPriors priors,
        AnchorTargetStep targets)
        : base(numClasses, options, priors, targets)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _clsConvs = RegisterModule("cls_convs", new ModuleList<ConvModule>());
        _regConvs = RegisterModule("reg_convs", new ModuleList<ConvModule>());
        for (int i = 0; i < config.StackedConvs; i++)
        {
            int channels = i == 0 ? inChannels : config.FeatChannels;
            _clsConvs.Add(new ConvModule(channels, config.FeatChannels, 3, 1, 1));
            _regConvs.Add(new ConvModule(channels, config.FeatChannels, 3, 1, 1));
        }

        int towerOut = config.StackedConvs > 0 ? config.FeatChannels : inChannels;
        _cls = RegisterModule("retina_cls", new Conv2d(towerOut, AnchorsPerLocation * numClasses, 3, 1, 1));
        _reg = RegisterModule("retina_reg", new Conv2d(towerOut, AnchorsPerLocation * 4, 3, 1, 1));
        foreach (var conv in _clsConvs.Concat(_regConvs).Select(c => c.Conv).Append(_cls).Append(_reg))
        {
            Init.Normal_(conv.Weight, 0, 0.01);
            Init.Zeros_(conv.Bias!);
        }

        Init.Constant_(_cls.Bias!, Init.BiasForPriorProbability(PriorProbability));
        _boxLoss = new BoxRegressionLoss(config.LossBox);
        _focal = new SigmoidFocalLoss(config.LossCls.Alpha, config.LossCls.Gamma, config.LossCls.Weight);
    }

    /// <summary>The configuration.</summary>
    public RetinaHeadConfig Config { get; }

    /// <summary>
    /// Per level: class logits (N, H·W·A, C) and deltas (N, H·W·A, 4), location-major then anchor, as the anchors.
    /// </summary>
    public (Tensor[] Logits, Tensor[] Deltas) Forward(Tensor[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var scope = Engine.NewDisposeScope();
        var logits = new Tensor[features.Length];
        var deltas = new Tensor[features.Length];
        for (int level = 0; level < features.Length; level++)
        {
            var cls = features[level];
            var reg = features[level];
            for (int i = 0; i < _clsConvs.Count; i++)
            {
                cls = _clsConvs[i].Forward(cls).Relu_();
                reg = _regConvs[i].Forward(reg).Relu_();
            }

            long n = cls.Size(0);
            logits[level] = scope.MoveToOuter(_cls.Forward(cls).Permute(0, 2, 3, 1).Reshape(n, -1, NumClasses));
            deltas[level] = scope.MoveToOuter(_reg.Forward(reg).Permute(0, 2, 3, 1).Reshape(n, -1, 4));
        }

        return (logits, deltas);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> Loss(Tensor[] features, DetectionBatch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        var (logits, deltas) = Forward(features);
        var sizes = features.Select(f => (f.Size(2), f.Size(3))).ToArray();
        var anchors = Anchors(sizes, (batch.Images.Size(2), batch.Images.Size(3)), batch.Images.Device);
        var (cls, box) = Losses(logits, deltas, anchors, sizes, batch);
        return new Dictionary<string, Tensor> { ["loss_cls"] = scope.MoveToOuter(cls), ["loss_bbox"] = scope.MoveToOuter(box) };
    }

    /// <summary>
    /// The focal and box losses per level (1-d tensors of L values) of the given outputs: targets by
    /// <see cref="AnchorHead.Targets"/>, each anchor's loss times its image's normaliser, one scatter-add by level.
    /// </summary>
    public (Tensor Classification, Tensor Box) Losses(Tensor[] logits, Tensor[] deltas, Tensor[] anchors,
        IReadOnlyList<(long Height, long Width)> featureSizes, DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        var targets = Targets(anchors, featureSizes, batch);
        var normalisers = ImageNormalisers(targets.PosCount, logits[0].Device);
        var clsLevels = FocalLevels(logits, targets, normalisers, _focal);

        var allDeltas = Tensor.Cat(deltas, 1).Reshape(-1, 4);
        var predicted = allDeltas.IndexSelect(0, targets.PosIndex);
        Tensor encoded;
        using (Engine.NoGrad())
        {
            encoded = Coder.Encode(targets.PosAnchors, targets.PosGtBoxes);
        }

        var perPositive = _boxLoss.ComputePerRow(predicted, encoded) * normalisers.IndexSelect(0, targets.PosImage);
        // With no positive the box terms are zeros that still reach the regression branch (as MMDetection's empty sum).
        var boxLevels = LevelSum.Of(perPositive, targets.PosLevels(), anchors.Length) + allDeltas.Sum() * 0.0;
        return (scope.MoveToOuter(clsLevels), scope.MoveToOuter(boxLevels));
    }

    /// <inheritdoc />
    public override IReadOnlyList<ImageDetections> Predict(Tensor[] features, DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        Tensor[] logits, deltas;
        using (PhaseProfiler.Measure("head.forward"))
        {
            (logits, deltas) = Forward(features);
        }

        using var post = PhaseProfiler.Measure("head.postprocess");
        var sizes = features.Select(f => (f.Size(2), f.Size(3))).ToArray();
        var anchors = Anchors(sizes, (batch.Images.Size(2), batch.Images.Size(3)), batch.Images.Device);
        return PostProcess(logits, deltas, anchors, batch.Metas);
    }
}
