using DynDet.Assignment;
using DynDet.Config;
using DynDet.Dynamic;
using DynDet.Models.Backbones;
using DynDet.Models.DenseHeads;
using DynDet.Models.Necks;
using DynDet.Models.RoIHeads;

namespace DynDet.Models.Detectors;

/// <summary>
/// The one place that turns a typed model config into parts and assembles the detector: it maps
/// <see cref="ModelConfig.Type"/> to the detector family and is the only reader of <see cref="ModelConfig.Style"/>
/// (MMDetection's or torchvision's conventions for anchors, box coders, RoI level mapping). Dynamic strategies are
/// built here too and wired into the part they steer; the caller (the trainer) owns them.
/// </summary>
public static class DetectorFactory
{
    /// <summary>The <c>model.type</c> values this factory builds.</summary>
    public static IReadOnlyList<string> Types { get; } = ModelConfig.Types.Keys.ToArray();

    /// <summary>Builds the detector of <paramref name="config"/> for <paramref name="classNames"/> and its strategies.</summary>
    /// <exception cref="InputException">The config names an unknown type, or a class count other than the data's.</exception>
    public static BuiltDetector Build(DetectorConfig config, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(classNames);
        var model = config.Model;
        if (model.NumClasses > 0 && model.NumClasses != classNames.Count)
        {
            throw new InputException(
                $"config model.num_classes is {model.NumClasses} but the data has {classNames.Count} classes ({string.Join(", ", classNames.Take(10))}{(classNames.Count > 10 ? ", ..." : "")}); set it to {classNames.Count} or 0 (take it from the data)");
        }

        return model switch
        {
            TwoStageModelConfig twoStage => BuildTwoStage(config, twoStage, classNames),
            RetinaNetModelConfig retina => BuildRetinaNet(config, retina, classNames),
            AtssModelConfig atss => BuildAtss(config, atss, classNames),
            FcosModelConfig fcos => BuildFcos(config, fcos, classNames),
            _ => throw new InputException(
                $"config model.type: '{model.Type}' is not a detector DynDet builds (types: {string.Join(", ", Types)})"),
        };
    }

    /// <summary>The detector alone, for inference (its strategies, if any, are built and released).</summary>
    public static DetectionModel CreateModel(DetectorConfig config, IReadOnlyList<string> classNames)
    {
        var built = Build(config, classNames);
        foreach (var strategy in built.Strategies.OfType<IDisposable>())
        {
            strategy.Dispose();
        }

        return built.Model;
    }

    private static BuiltDetector BuildTwoStage(DetectorConfig config, TwoStageModelConfig model, IReadOnlyList<string> classNames)
    {
        bool torchvision = model.Style == ImplementationStyle.Torchvision;
        var strategies = new List<ITrainingStrategy>();
        RoiHeadSteering? steering = null;
        if (model.DynamicRcnn is { } dynamic)
        {
            bool original = dynamic.Variant == DynamicRcnnVariant.Original;
            var dla = new DynamicLabelAssignment(
                original ? dynamic.InitialIou : model.RoiHead.Assigner.PosIouThr,
                dynamic.InitialIou, dynamic.IouTopK, dynamic.UpdateInterval, dynamic.DynamicIou, dynamic.Variant,
                source: StandardRoiHead.Name);
            var dsl = new DynamicSmoothL1(dynamic.InitialBeta, dynamic.BetaTopK, dynamic.UpdateInterval,
                original ? MedianRule.UpperMiddle : MedianRule.Numpy, dynamic.DynamicBeta, dynamic.Variant,
                source: StandardRoiHead.Name);
            strategies.Add(dla);
            strategies.Add(dsl);
            steering = new RoiHeadSteering
            {
                IouThreshold = () => dla.Threshold,
                SmoothL1Beta = () => dsl.Beta,
                PublishRegressionErrors = original,
            };
        }

        // The RPN's anchors cover every FPN output (P2–P6 from start level 0); the R-CNN head pools from the four finest.
        int firstLevel = 2 + model.Neck.StartLevel;
        if (model.Rpn.Balancer is { } rpnBalancer)
        {
            strategies.Add(new LevelBalancer(rpnBalancer, "rpn", model.Neck.NumOuts, firstLevel, (ulong)config.Train.Seed));
        }

        if (model.RoiHead.Balancer is { } roiBalancer)
        {
            strategies.Add(new LevelBalancer(roiBalancer, StandardRoiHead.Name, 4, firstLevel, (ulong)config.Train.Seed));
        }

        ResNet? backbone = null;
        Fpn? neck = null;
        RpnHead? rpn = null;
        StandardRoiHead? roi = null;
        try
        {
            backbone = Backbone(model.Backbone);
            neck = Neck(model.Neck, backbone);
            var anchor = model.Rpn.Anchor;
            var anchorOptions = torchvision
                ? new AnchorGeneratorOptions
                {
                    Sizes = anchor.Strides.Select(s => (IReadOnlyList<double>)anchor.EffectiveScales().Select(k => k * s).ToArray()).ToArray(),
                    Ratios = anchor.Ratios,
                    Style = AnchorStyle.TorchVision,
                }
                : new AnchorGeneratorOptions { Strides = anchor.Strides, Ratios = anchor.Ratios, Scales = anchor.EffectiveScales() };
            var rpnCoder = new DeltaXywhBoxCoder(torchvision ? DeltaXywhBoxCoderOptions.TorchVision(1, 1, 1, 1) : DeltaXywhBoxCoderOptions.Rpn);
            // The RPN trains on the valid anchors in both styles (as DynDet's RPN always has; an image's anchors are
            // all valid unless the batch is padded beyond it).
            rpn = WithPriors(anchorOptions, useValidFlags: true, priors => new RpnHead(model.Neck.OutChannels, model.Rpn, priors,
                new AnchorTargetStep(new MaxIouAssigner(RpnAssignerOptions(model.Rpn, model.Style)), new RandomSampler(model.Rpn.Sampler.ToOptions())),
                new ProposalGenerator(rpnCoder)));
            var stds = model.RoiHead.TargetStds;
            var mapper = new RoiLevelMapper
            {
                NumLevels = 4,
                Rule = torchvision ? RoiLevelRule.TorchVision : RoiLevelRule.MMDetection,
                FinestScale = model.RoiHead.FinestScale,
            };
            var extractor = new RoiExtractor(anchor.Strides.Take(4).ToArray(), model.RoiHead.RoiSize,
                model.RoiHead.SamplingRatio, model.RoiHead.Aligned, mapper);
            roi = new StandardRoiHead(model.Neck.OutChannels, classNames.Count, model.RoiHead, extractor,
                torchvision
                    ? DeltaXywhBoxCoderOptions.TorchVision(1 / stds[0], 1 / stds[1], 1 / stds[2], 1 / stds[3])
                    : DeltaXywhBoxCoderOptions.RCnn with { Stds = stds },
                steering);
            return new BuiltDetector(new TwoStageDetector(config, classNames, backbone, neck, rpn, roi), strategies);
        }
        catch
        {
            roi?.Dispose();
            rpn?.Dispose();
            neck?.Dispose();
            backbone?.Dispose();
            foreach (var strategy in strategies.OfType<IDisposable>())
            {
                strategy.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The RPN's anchor assigner: thresholds from <paramref name="rpn"/>'s <c>assigner</c>, the low-quality rule
    /// from <paramref name="style"/>. torchvision's <c>Matcher(allow_low_quality_matches=True)</c> gives a box that
    /// some gt picked as its best the box's own best gt (<see cref="LowQualityMatch.TorchVision"/>); MMDetection
    /// gives it the gt that picked it, the last such gt winning (<see cref="LowQualityMatch.MMDetection"/>).
    /// </summary>
    public static MaxIouAssignerOptions RpnAssignerOptions(RpnConfig rpn, ImplementationStyle style)
    {
        ArgumentNullException.ThrowIfNull(rpn);
        return AssignerOptions(rpn.Assigner, style);
    }

    private static BuiltDetector BuildRetinaNet(DetectorConfig config, RetinaNetModelConfig model, IReadOnlyList<string> classNames)
    {
        bool torchvision = model.Style == ImplementationStyle.Torchvision;
        var head = model.BboxHead;
        var options = new AnchorHeadOptions
        {
            Coder = torchvision ? DeltaXywhBoxCoderOptions.TorchVision(1, 1, 1, 1) : DeltaXywhBoxCoderOptions.Rpn,
            Test = head.Test,
            Normaliser = torchvision ? DenseLossNormaliser.PerImage : DenseLossNormaliser.AverageFactor,
            Candidates = torchvision ? DenseCandidateRule.TopPairs : DenseCandidateRule.TopAnchors,
        };
        // torchvision's RetinaNet trains on every anchor; MMDetection's on the valid ones.
        return SingleStage(config, model, classNames, head.Balancer, () => WithPriors(DenseAnchors(head.Anchor, torchvision), useValidFlags: !torchvision,
            priors => new RetinaHead(model.Neck.OutChannels, classNames.Count, head, options, priors,
                new AnchorTargetStep(new MaxIouAssigner(AssignerOptions(head.Assigner, model.Style)), new PseudoSampler()))));
    }

    private static BuiltDetector BuildFcos(DetectorConfig config, FcosModelConfig model, IReadOnlyList<string> classNames)
    {
        bool torchvision = model.Style == ImplementationStyle.Torchvision;
        var options = new FcosHeadOptions
        {
            Test = model.BboxHead.Test,
            Points = torchvision ? AnchorStyle.TorchVision : AnchorStyle.MMDetection,
            Targets = torchvision ? FcosTargetRule.TorchVision : FcosTargetRule.MMDetection,
            CenternessWeightedBoxLoss = !torchvision,
            Candidates = torchvision ? DenseCandidateRule.TopPairs : DenseCandidateRule.TopAnchors,
            Scales = !torchvision,
            GiouEps = torchvision ? Losses.GiouLoss.FunctionEps : Losses.GiouLoss.DefaultEps,
        };
        return SingleStage(config, model, classNames, model.BboxHead.Balancer,
            () => new FcosHead(model.Neck.OutChannels, classNames.Count, model.BboxHead, options));
    }

    /// <summary>
    /// ATSS (SPEC §5) and Dynamic ATSS (SPEC §7.2, options of the same head): MMDetection's conventions only (torchvision
    /// has no ATSS; the config validator refuses its style): octave anchors, the coder with the head's target stds, the
    /// ATSS assigner, valid flags, <c>Σ max(#pos, 1)</c>; the <see cref="AssignmentStatistics"/> logger.
    /// </summary>
    private static BuiltDetector BuildAtss(DetectorConfig config, AtssModelConfig model, IReadOnlyList<string> classNames)
    {
        var head = model.BboxHead;
        var options = new AnchorHeadOptions
        {
            Coder = DeltaXywhBoxCoderOptions.RCnn with { Stds = head.TargetStds },
            Test = head.Test,
        };
        // The assignment's statistics (positives per gt, threshold, the positives' IoU and regression loss), read once
        // per log interval: logged for ATSS and Dynamic ATSS alike, so their curves compare.
        return SingleStage(config, model, classNames, head.Balancer, () => WithPriors(DenseAnchors(head.Anchor, torchvision: false), useValidFlags: true,
            priors => new AtssHead(model.Neck.OutChannels, classNames.Count, head, options, priors,
                new AnchorTargetStep(new AtssAssigner(head.Assigner.ToOptions()), new PseudoSampler()))),
            () => [new AssignmentStatistics(config.Train.LogInterval)]);
    }

    /// <summary>
    /// Builds the backbone and the FPN of <paramref name="model"/>, then the head, and assembles the one-stage detector
    /// with the head's level balancer, if any (over every FPN output: P3–P7 from start level 1); whatever was built is
    /// disposed if a later part fails.
    /// </summary>
    private static BuiltDetector SingleStage(DetectorConfig config, ModelConfig model, IReadOnlyList<string> classNames,
        LevelBalancerConfig? balancer, Func<DenseHead> head, Func<IReadOnlyList<ITrainingStrategy>>? extraStrategies = null)
    {
        ITrainingStrategy[] strategies = balancer is null
            ? []
            : [new LevelBalancer(balancer, "bbox_head", model.Neck.NumOuts, 2 + model.Neck.StartLevel, (ulong)config.Train.Seed)];
        ResNet? backbone = null;
        Fpn? neck = null;
        DenseHead? dense = null;
        try
        {
            backbone = Backbone(model.Backbone);
            neck = Neck(model.Neck, backbone);
            dense = head();
            var detector = new SingleStageDetector(config, classNames, backbone, neck, dense);
            return new BuiltDetector(detector, [.. strategies, .. extraStrategies?.Invoke() ?? []]);
        }
        catch
        {
            dense?.Dispose();
            neck?.Dispose();
            backbone?.Dispose();
            foreach (var strategy in strategies.OfType<IDisposable>())
            {
                strategy.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Builds the anchor priors of <paramref name="anchors"/> and the head that takes ownership of them; the priors are
    /// released if the head cannot be built.
    /// </summary>
    private static THead WithPriors<THead>(AnchorGeneratorOptions anchors, bool useValidFlags, Func<AnchorPriors, THead> head)
    {
        var priors = new AnchorPriors(anchors, useValidFlags);
        try
        {
            return head(priors);
        }
        catch
        {
            priors.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A dense head's anchors. MMDetection's come from strides, ratios and (octave) scales; torchvision's RetinaNet
    /// sizes are <c>int(base · 2^(i/n))</c> with base = stride · octave base scale (32, 40, 50 at P3), rounded base
    /// anchors, strides derived from the image and map sizes.
    /// </summary>
    private static AnchorGeneratorOptions DenseAnchors(AnchorConfig anchor, bool torchvision)
    {
        if (!torchvision)
        {
            return anchor.OctaveBaseScale is double octave
                ? new AnchorGeneratorOptions
                {
                    Strides = anchor.Strides, Ratios = anchor.Ratios, Scales = null, OctaveBaseScale = octave,
                    ScalesPerOctave = anchor.ScalesPerOctave,
                }
                : new AnchorGeneratorOptions { Strides = anchor.Strides, Ratios = anchor.Ratios, Scales = anchor.Scales };
        }

        var sizes = anchor.Strides.Select(stride => (IReadOnlyList<double>)(anchor.OctaveBaseScale is double baseScale
            ? Enumerable.Range(0, anchor.ScalesPerOctave)
                .Select(i => Math.Floor(stride * baseScale * Math.Pow(2, i / (double)anchor.ScalesPerOctave))).ToArray()
            : anchor.Scales.Select(k => k * stride).ToArray())).ToArray();
        return new AnchorGeneratorOptions { Strides = anchor.Strides, Sizes = sizes, Ratios = anchor.Ratios, Style = AnchorStyle.TorchVision };
    }

    /// <summary>A MaxIoU assigner's options: thresholds from the config, the low-quality rule from the style.</summary>
    private static MaxIouAssignerOptions AssignerOptions(AssignerConfig assigner, ImplementationStyle style) => assigner.ToOptions() with
    {
        LowQualityMatch = style == ImplementationStyle.Torchvision ? LowQualityMatch.TorchVision : LowQualityMatch.MMDetection,
    };

    private static Fpn Neck(NeckConfig neck, ResNet backbone) => new(new FpnOptions
    {
        InChannels = backbone.OutChannels,
        OutChannels = neck.OutChannels,
        NumOuts = neck.NumOuts,
        StartLevel = neck.StartLevel,
        Extra = neck.AddExtraConvs switch
        {
            ExtraConvs.OnInput => ExtraLevels.ConvOnInput,
            ExtraConvs.OnOutput => ExtraLevels.ConvOnOutput,
            _ => ExtraLevels.MaxPool,
        },
        ReluBeforeExtraConvs = neck.ReluBeforeExtraConvs,
    });

    private static ResNet Backbone(BackboneConfig backbone) => new(new ResNetOptions
    {
        Depth = backbone.Depth,
        WidthMultiplier = backbone.Width,
        Norm = backbone.Norm,
        NormEval = backbone.NormEval,
        FrozenStages = backbone.FrozenStages,
    });
}
