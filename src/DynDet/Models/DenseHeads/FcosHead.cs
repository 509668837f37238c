using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Dynamic;
using DynDet.Losses;
using DynDet.Models.Layers;
using DynDet.Models.RoIHeads;
using DynDet.Structures;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// MMDetection's <c>FCOSHead</c> (SPEC §4), anchor-free: on every level, with shared weights, a classification tower and
/// a box tower of <c>stacked_convs</c> 3×3 conv (+ GN 32) + ReLU layers, then <c>conv_cls</c> (C sigmoid logits),
/// <c>conv_reg</c> (4 distances l, t, r, b: <c>exp(scale·x)</c> in pixels, or with <c>norm_on_bbox</c>
/// <c>relu(scale·x)</c> in strides) and <c>conv_centerness</c> (1 logit, from the classification tower or with
/// <c>centerness_on_reg</c> the box tower), 3×3; a learnable <c>scales.l.scale</c> per level. Init N(0, 0.01), biases 0,
/// the classifier's bias at the prior probability 0.01. Losses per level (MMDetection 2.x <c>FCOSHead.loss</c>): focal
/// over every point / max(#pos, 1); IoU or GIoU of the positives' decoded boxes weighted by their centerness targets /
/// Σ centerness targets; centerness BCE / max(#pos, 1). <see cref="FcosHeadOptions"/> switches the conventions to
/// torchvision's FCOS (its points, matcher, unweighted GIoU, candidates, no scales). Parameter names are MMDetection's
/// (<c>cls_convs.0.conv.weight</c>, <c>cls_convs.0.gn.weight</c>, <c>conv_cls.weight</c>, <c>scales.0.scale</c>, …).
/// </summary>
public sealed class FcosHead : DenseHead
{
    /// <summary>The prior foreground probability the classifier's bias starts at (0.01).</summary>
    public const double PriorProbability = 0.01;

    private readonly ModuleList<ConvModule> _clsConvs;
    private readonly ModuleList<ConvModule> _regConvs;
    private readonly Conv2d _cls;
    private readonly Conv2d _reg;
    private readonly Conv2d _centerness;
    private readonly ModuleList<Scale>? _scales;
    private readonly SigmoidFocalLoss _focal;
    private readonly Func<Tensor, Tensor, Tensor?, Tensor> _boxLoss;
    private readonly BinaryCrossEntropyLoss _centernessLoss;
    private readonly FcosTargetAssigner? _assigner;
    private readonly FcosTorchVisionMatcher? _matcher;
    private readonly DistancePointBoxCoder _coder = new();

    /// <summary>Creates the head.</summary>
    /// <param name="inChannels">Channels of the pyramid maps.</param>
    /// <param name="numClasses">Foreground classes C (≥ 1).</param>
    /// <param name="config">Towers, strides, target settings and losses.</param>
    /// <param name="options">Conventions (MMDetection's or torchvision's) and test settings.</param>
    public FcosHead(int inChannels, int numClasses, FcosHeadConfig config, FcosHeadOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        NumClasses = numClasses;
        Config = config;
        Options = options;
        bool groupNorm = config.Norm == HeadNorm.GroupNorm;
        bool bias = config.ConvBias ?? !groupNorm;
        _clsConvs = RegisterModule("cls_convs", new ModuleList<ConvModule>());
        _regConvs = RegisterModule("reg_convs", new ModuleList<ConvModule>());
        for (int i = 0; i < config.StackedConvs; i++)
        {
            int channels = i == 0 ? inChannels : config.FeatChannels;
            int groups = groupNorm ? FcosHeadConfig.GroupNormGroups : 0;
            _clsConvs.Add(new ConvModule(channels, config.FeatChannels, 3, 1, 1, bias, groups));
            _regConvs.Add(new ConvModule(channels, config.FeatChannels, 3, 1, 1, bias, groups));
        }

        int towerOut = config.StackedConvs > 0 ? config.FeatChannels : inChannels;
        _cls = RegisterModule("conv_cls", new Conv2d(towerOut, numClasses, 3, 1, 1));
        _reg = RegisterModule("conv_reg", new Conv2d(towerOut, 4, 3, 1, 1));
        _centerness = RegisterModule("conv_centerness", new Conv2d(towerOut, 1, 3, 1, 1));
        if (options.Scales)
        {
            _scales = RegisterModule("scales", new ModuleList<Scale>());
            foreach (int _ in config.Strides)
            {
                _scales.Add(new Scale(1.0));
            }
        }

        foreach (var conv in _clsConvs.Concat(_regConvs).Select(c => c.Conv).Append(_cls).Append(_reg).Append(_centerness))
        {
            Init.Normal_(conv.Weight, 0, 0.01);
            if (conv.Bias is { } b)
            {
                Init.Zeros_(b);
            }
        }

        Init.Constant_(_cls.Bias!, Init.BiasForPriorProbability(PriorProbability));

        _focal = new SigmoidFocalLoss(config.LossCls.Alpha, config.LossCls.Gamma, config.LossCls.Weight);
        if (config.LossBbox.Type == IouLossKind.Giou)
        {
            var giou = new GiouLoss(options.GiouEps, config.LossBbox.Weight);
            _boxLoss = giou.Elementwise;
        }
        else
        {
            var iou = new IouLoss(lossWeight: config.LossBbox.Weight);
            _boxLoss = iou.Elementwise;
        }

        _centernessLoss = new BinaryCrossEntropyLoss(config.LossCenterness.Weight);
        var ranges = config.RegressRanges.Select(r => (r[0], r[1])).ToArray();
        if (options.Targets == FcosTargetRule.TorchVision)
        {
            _matcher = new FcosTorchVisionMatcher(config.Strides, ranges, config.CenterSampleRadius);
        }
        else
        {
            _assigner = new FcosTargetAssigner(new FcosTargetOptions
            {
                Strides = config.Strides,
                RegressRanges = ranges,
                CenterSampling = config.CenterSampling,
                CenterSampleRadius = config.CenterSampleRadius,
                NormOnBbox = config.NormOnBbox,
            });
        }
    }

    /// <summary>Foreground classes C.</summary>
    public int NumClasses { get; }

    /// <summary>The configuration.</summary>
    public FcosHeadConfig Config { get; }

    /// <summary>The conventions the head was built with.</summary>
    public FcosHeadOptions Options { get; }

    /// <summary>
    /// Per level: class logits (N, H·W, C), distances (N, H·W, 4) as the head outputs them in training (in pixels, or in
    /// strides with <c>norm_on_bbox</c>: <see cref="DistanceUnit"/> converts) and centerness logits (N, H·W), row-major
    /// over the map as the points.
    /// </summary>
    public (Tensor[] Logits, Tensor[] Distances, Tensor[] Centerness) Forward(Tensor[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (_scales is not null && features.Length != _scales.Count)
        {
            throw new ArgumentException($"{features.Length} levels for {_scales.Count} strides", nameof(features));
        }

        using var scope = Engine.NewDisposeScope();
        var logits = new Tensor[features.Length];
        var distances = new Tensor[features.Length];
        var centerness = new Tensor[features.Length];
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
            var raw = _reg.Forward(reg);
            if (_scales is not null)
            {
                raw = _scales[level].Forward(raw);
            }

            var d = Config.NormOnBbox ? raw.Relu() : raw.Exp();
            distances[level] = scope.MoveToOuter(d.Permute(0, 2, 3, 1).Reshape(n, -1, 4));
            var c = _centerness.Forward(Config.CenternessOnReg ? reg : cls);
            centerness[level] = scope.MoveToOuter(c.Permute(0, 2, 3, 1).Reshape(n, -1));
        }

        return (logits, distances, centerness);
    }

    /// <summary>What a level's distances are multiplied by to be pixels: its stride with <c>norm_on_bbox</c>, else 1.</summary>
    public double DistanceUnit(int level) => Config.NormOnBbox ? Config.Strides[level] : 1.0;

    /// <summary>
    /// The (H·W, 2) float32 points (x, y) of every level for maps of <paramref name="featureSizes"/> in an image batch of
    /// <paramref name="imageSize"/>, by <see cref="FcosHeadOptions.Points"/> (caller's scope).
    /// </summary>
    public Tensor[] Points(IReadOnlyList<(long Height, long Width)> featureSizes, (long Height, long Width) imageSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        if (Options.Points == AnchorStyle.MMDetection)
        {
            return PointGenerator.Points(featureSizes, Config.Strides, ScalarType.Float32, device);
        }

        // torchvision: anchor centres at (x·stride_w, y·stride_h), strides from the image and map sizes.
        var strides = AnchorGenerator.TorchVisionStrides(imageSize, featureSizes);
        var result = new Tensor[featureSizes.Count];
        for (int l = 0; l < result.Length; l++)
        {
            using var scope = Engine.NewDisposeScope();
            var (h, w) = featureSizes[l];
            var xs = Tensor.Arange(w, ScalarType.Int64, device) * strides[l].Width;
            var ys = Tensor.Arange(h, ScalarType.Int64, device) * strides[l].Height;
            var grid = Tensor.Meshgrid([ys, xs], "ij");
            result[l] = scope.MoveToOuter(Tensor.Stack([grid[1].Reshape(-1), grid[0].Reshape(-1)], -1).To(ScalarType.Float32));
        }

        return result;
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> Loss(Tensor[] features, DetectionBatch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        var (logits, distances, centerness) = Forward(features);
        var sizes = features.Select(f => (f.Size(2), f.Size(3))).ToArray();
        var (cls, box, ctr) = Losses(logits, distances, centerness, sizes, batch, context.Reducer);
        return new Dictionary<string, Tensor>
        {
            ["loss_cls"] = scope.MoveToOuter(cls),
            ["loss_bbox"] = scope.MoveToOuter(box),
            ["loss_centerness"] = scope.MoveToOuter(ctr),
        };
    }

    /// <summary>
    /// The targets of every point of the batch, images concatenated (image-major, then level, then row-major): labels
    /// (N·P) with C for background and box targets (N·P, 4) (in the units of <see cref="FcosHeadOptions.Targets"/>'s rule).
    /// </summary>
    public (Tensor Labels, Tensor BoxTargets) Targets(Tensor[] points, DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var all = Tensor.Cat(points);
        int[] perLevel = points.Select(p => (int)p.Size(0)).ToArray();
        var labels = new Tensor[batch.Count];
        var boxes = new Tensor[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            var gt = batch.Targets[i];
            var targets = _matcher is not null
                ? _matcher.Assign(all, perLevel, gt.Boxes, gt.Labels, NumClasses)
                : _assigner!.Assign(all, perLevel, gt.Boxes, gt.Labels, NumClasses);
            labels[i] = targets.Labels;
            boxes[i] = targets.BoxTargets;
        }

        return (scope.MoveToOuter(Tensor.Cat(labels)), scope.MoveToOuter(Tensor.Cat(boxes)));
    }

    /// <summary>
    /// The classification, box and centerness losses per level (1-d tensors of L values, summing to the loss) of the given
    /// outputs (<see cref="Forward"/>'s) for maps of <paramref name="featureSizes"/>.
    /// </summary>
    public (Tensor Classification, Tensor Box, Tensor Centerness) Losses(Tensor[] logits, Tensor[] distances, Tensor[] centerness,
        IReadOnlyList<(long Height, long Width)> featureSizes, DetectionBatch batch, IStatisticReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(centerness);
        ArgumentNullException.ThrowIfNull(featureSizes);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        var device = logits[0].Device;
        int numLevels = logits.Length;
        var points = Points(featureSizes, (batch.Images.Size(2), batch.Images.Size(3)), device);
        var (labels, boxTargets) = Targets(points, batch);
        var levelIds = Tensor.Cat([.. points.Select((p, l) => Tensor.Full([p.Size(0)], l, ScalarType.Int64, device))]).Repeat(batch.Count);
        var allPoints = Tensor.Cat(points).Repeat(batch.Count, 1);
        var units = Tensor.Cat([.. points.Select((p, l) => Tensor.Full([p.Size(0)], DistanceUnit(l), ScalarType.Float32, device))])
            .Repeat(batch.Count);

        var flatLogits = Tensor.Cat(logits, 1).Reshape(-1, NumClasses);
        var flatDistances = Tensor.Cat(distances, 1).Reshape(-1, 4);
        var flatCenterness = Tensor.Cat(centerness, 1).Reshape(-1);
        var pos = labels.Lt(NumClasses).NonzeroFlat();
        long numPos = pos.Size(0);
        double avgFactor = Math.Max(numPos, 1);
        // MMDetection's FCOS (not torchvision's) reduce_means num_pos and the centerness sum over the processes of a
        // data-parallel run; every process computes both, with or without positives of its own.
        bool reduce = reducer is { WorldSize: > 1 } && Options.Targets != FcosTargetRule.TorchVision;
        Tensor? sharedAvgFactor = null;
        Tensor? sharedDenominator = null;
        if (reduce)
        {
            sharedAvgFactor = reducer!.Mean(Tensor.Full([], numPos, ScalarType.Float32, device)).ClampMin(1.0);
            if (Options.CenternessWeightedBoxLoss)
            {
                using var noGrad = Engine.NoGrad();
                var local = numPos > 0
                    ? FcosTargetAssigner.CenternessTarget(boxTargets.IndexSelect(0, pos)).Sum()
                    : Tensor.Zeros([], device: device);
                sharedDenominator = reducer.Mean(local).ClampMin(1e-6);
            }
        }

        Tensor ByAvgFactor(Tensor t) => sharedAvgFactor is null ? t / avgFactor : t / sharedAvgFactor;

        // Focal loss on every (point, class) pair; a background point's targets are all zero.
        var focal = ByAvgFactor(_focal.Elementwise(flatLogits, labels).Sum(1));
        var clsLevels = LevelSum.Of(focal, levelIds, numLevels);

        // With no positive the box and centerness terms are zeros that still reach their branches (MMDetection's empty sums).
        var boxLevels = flatDistances.Sum() * 0.0 + Tensor.Zeros([numLevels], device: device);
        var ctrLevels = flatCenterness.Sum() * 0.0 + Tensor.Zeros([numLevels], device: device);
        if (numPos > 0)
        {
            var posLevels = levelIds.IndexSelect(0, pos);
            var posPoints = allPoints.IndexSelect(0, pos);
            var posDistances = flatDistances.IndexSelect(0, pos);
            var posTargets = boxTargets.IndexSelect(0, pos);
            Tensor centernessTargets, targetBoxes;
            using (Engine.NoGrad())
            {
                centernessTargets = FcosTargetAssigner.CenternessTarget(posTargets);
                targetBoxes = _coder.Decode(posPoints, posTargets);
            }

            // MMDetection decodes predictions and targets in the same units (strides with norm_on_bbox); torchvision's
            // targets are in pixels and its predictions are scaled by the anchor size.
            var predicted = _coder.Decode(posPoints,
                Options.Targets == FcosTargetRule.TorchVision ? posDistances * units.IndexSelect(0, pos).Unsqueeze(1) : posDistances);
            Tensor perPositive;
            if (Options.CenternessWeightedBoxLoss)
            {
                Tensor denominator;
                using (Engine.NoGrad())
                {
                    denominator = sharedDenominator ?? centernessTargets.Sum().ClampMin(1e-6);
                }

                perPositive = _boxLoss(predicted, targetBoxes, centernessTargets) / denominator;
            }
            else
            {
                perPositive = ByAvgFactor(_boxLoss(predicted, targetBoxes, null));
            }

            boxLevels = boxLevels + LevelSum.Of(perPositive, posLevels, numLevels);
            var ctr = ByAvgFactor(_centernessLoss.Elementwise(flatCenterness.IndexSelect(0, pos), centernessTargets));
            ctrLevels = ctrLevels + LevelSum.Of(ctr, posLevels, numLevels);
        }

        return (scope.MoveToOuter(clsLevels), scope.MoveToOuter(boxLevels), scope.MoveToOuter(ctrLevels));
    }

    /// <inheritdoc />
    public override IReadOnlyList<ImageDetections> Predict(Tensor[] features, DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var (logits, distances, centerness) = Forward(features);
        var sizes = features.Select(f => (f.Size(2), f.Size(3))).ToArray();
        return PostProcess(logits, distances, centerness, sizes, (batch.Images.Size(2), batch.Images.Size(3)), batch.Metas);
    }

    /// <summary>
    /// Detections from per-level outputs (<see cref="Forward"/>'s): candidates per level by
    /// <see cref="FcosHeadOptions.Candidates"/>, decoded at the points (distances in pixels) and clipped to each resized
    /// image, mapped to original pixels, per-class NMS, best first.
    /// </summary>
    public IReadOnlyList<ImageDetections> PostProcess(Tensor[] logits, Tensor[] distances, Tensor[] centerness,
        IReadOnlyList<(long Height, long Width)> featureSizes, (long Height, long Width) imageSize, IReadOnlyList<ImageMeta> metas)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(centerness);
        ArgumentNullException.ThrowIfNull(metas);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var test = Options.Test;
        var points = Points(featureSizes, imageSize, logits[0].Device);
        var results = new ImageDetections[metas.Count];
        for (int i = 0; i < metas.Count; i++)
        {
            var meta = metas[i];
            (double, double) shape = (meta.Height, meta.Width);
            var levelBoxes = new Tensor[logits.Length];
            var levelScores = new Tensor[logits.Length];
            var levelExtra = new Tensor[logits.Length];
            for (int l = 0; l < logits.Length; l++)
            {
                var s = logits[l].Select(0, i).Sigmoid();
                var c = centerness[l].Select(0, i).Sigmoid();
                var d = distances[l].Select(0, i);
                if (DistanceUnit(l) != 1.0)
                {
                    d = d * DistanceUnit(l);
                }

                var p = points[l];
                if (Options.Candidates == DenseCandidateRule.TopAnchors)
                {
                    if (test.NmsPre < s.Size(0))
                    {
                        var (_, top) = (s * c.Unsqueeze(1)).Amax(1).TopK(test.NmsPre, 0);
                        s = s.IndexSelect(0, top);
                        c = c.IndexSelect(0, top);
                        d = d.IndexSelect(0, top);
                        p = p.IndexSelect(0, top);
                    }

                    levelBoxes[l] = _coder.Decode(p, d, shape);
                    levelScores[l] = s;
                    levelExtra[l] = c;
                }
                else
                {
                    var flat = (s * c.Unsqueeze(1)).Sqrt().Reshape(-1);
                    var kept = flat.Gt(test.ScoreThr).NonzeroFlat();
                    var (top, order) = flat.IndexSelect(0, kept).TopK(Math.Min(test.NmsPre, kept.Size(0)), 0);
                    var pairs = kept.IndexSelect(0, order);
                    var pointIndex = pairs.Div(Tensor.Full([1], NumClasses, ScalarType.Int64, pairs.Device), "floor");
                    levelExtra[l] = pairs.Remainder(NumClasses);
                    levelBoxes[l] = _coder.Decode(p.IndexSelect(0, pointIndex), d.IndexSelect(0, pointIndex), shape);
                    levelScores[l] = top;
                }
            }

            Tensor boxes, scores, labels;
            if (Options.Candidates == DenseCandidateRule.TopAnchors)
            {
                (boxes, scores, labels) = BatchedNms.MultiClass(meta.MapToOriginal(Tensor.Cat(levelBoxes)), Tensor.Cat(levelScores),
                    test.ScoreThr, test.NmsIou, test.MaxPerImage, scoreFactors: Tensor.Cat(levelExtra));
            }
            else
            {
                var all = Tensor.Cat(levelBoxes);
                var allScores = Tensor.Cat(levelScores);
                var allLabels = Tensor.Cat(levelExtra);
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
}
