using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data;
using DynDet.Diagnostics;
using DynDet.Dynamic;
using DynDet.Models.Backbones;
using DynDet.Models.DenseHeads;
using DynDet.Models.Necks;
using DynDet.Models.RoIHeads;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Detectors;

/// <summary>
/// Faster R-CNN with FPN as MMDetection configures it (SPEC §2): ResNet backbone, FPN neck, RPN head, R-CNN
/// head, with MMDetection's parameter names (<c>backbone.*</c>, <c>neck.*</c>, <c>rpn_head.*</c>,
/// <c>roi_head.bbox_head.*</c>). With <see cref="ModelConfig.DynamicRcnn"/> set it is Dynamic R-CNN (SPEC §1):
/// the R-CNN head takes its IoU threshold and SmoothL1 β from <see cref="Strategies"/>; without it, it is the
/// exact baseline.
/// </summary>
public sealed class FasterRcnn : Module
{
    private readonly List<ITrainingStrategy> _strategies = [];

    /// <summary>Builds the detector for <paramref name="classNames"/> (C foreground classes).</summary>
    public FasterRcnn(DetectorConfig config, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0)
        {
            throw new InputException("a detector needs at least one class");
        }

        Config = config;
        ClassNames = classNames.ToArray();
        var model = config.Model;
        bool torchvision = model.Style == ImplementationStyle.Torchvision;
        Backbone = RegisterModule("backbone", new ResNet(new ResNetOptions
        {
            Depth = model.Backbone.Depth,
            WidthMultiplier = model.Backbone.Width,
            Norm = model.Backbone.Norm,
            NormEval = model.Backbone.NormEval,
            FrozenStages = model.Backbone.FrozenStages,
        }));
        Neck = RegisterModule("neck", new Fpn(new FpnOptions
        {
            InChannels = Backbone.OutChannels,
            OutChannels = model.Neck.OutChannels,
            NumOuts = model.Neck.NumOuts,
        }));
        var anchor = model.Rpn.Anchor;
        var anchorOptions = torchvision
            ? new AnchorGeneratorOptions
            {
                Sizes = anchor.Strides.Select(s => (IReadOnlyList<double>)anchor.Scales.Select(k => k * s).ToArray()).ToArray(),
                Ratios = anchor.Ratios,
                Style = AnchorStyle.TorchVision,
            }
            : new AnchorGeneratorOptions { Strides = anchor.Strides, Ratios = anchor.Ratios, Scales = anchor.Scales };
        RpnHead = RegisterModule("rpn_head", new RpnHead(model.Neck.OutChannels, model.Rpn, anchorOptions,
            torchvision ? DeltaXywhBoxCoderOptions.TorchVision(1, 1, 1, 1) : DeltaXywhBoxCoderOptions.Rpn));
        var stds = model.RoiHead.TargetStds;
        var mapper = new RoiLevelMapper
        {
            NumLevels = 4,
            Rule = torchvision ? RoiLevelRule.TorchVision : RoiLevelRule.MMDetection,
            FinestScale = model.RoiHead.FinestScale,
        };
        var extractor = new RoiExtractor(anchor.Strides.Take(4).ToArray(), model.RoiHead.RoiSize,
            model.RoiHead.SamplingRatio, model.RoiHead.Aligned, mapper);
        DynamicRcnnHooks? hooks = null;
        if (model.DynamicRcnn is { } dynamic)
        {
            bool original = dynamic.Variant == DynamicRcnnVariant.Original;
            var dla = new DynamicLabelAssignment(
                original ? dynamic.InitialIou : model.RoiHead.Assigner.PosIouThr,
                dynamic.InitialIou, dynamic.IouTopK, dynamic.UpdateInterval, dynamic.DynamicIou);
            var dsl = new DynamicSmoothL1(dynamic.InitialBeta, dynamic.BetaTopK, dynamic.UpdateInterval,
                original ? MedianRule.UpperMiddle : MedianRule.Numpy, dynamic.DynamicBeta);
            hooks = new DynamicRcnnHooks(dla, dsl, dynamic.Variant);
            _strategies.Add(dla);
            _strategies.Add(dsl);
        }

        RoiHead = RegisterModule("roi_head", new StandardRoiHead(model.Neck.OutChannels, ClassNames.Count, model.RoiHead,
            extractor,
            torchvision
                ? DeltaXywhBoxCoderOptions.TorchVision(1 / stds[0], 1 / stds[1], 1 / stds[2], 1 / stds[3])
                : DeltaXywhBoxCoderOptions.RCnn with { Stds = stds },
            hooks));
    }

    /// <summary>The configuration it was built from.</summary>
    public DetectorConfig Config { get; }

    /// <summary>Names of the C foreground classes, by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The backbone.</summary>
    public ResNet Backbone { get; }

    /// <summary>The FPN.</summary>
    public Fpn Neck { get; }

    /// <summary>The region proposal network.</summary>
    public RpnHead RpnHead { get; }

    /// <summary>The R-CNN head.</summary>
    public StandardRoiHead RoiHead { get; }

    /// <summary>The dynamic strategies steering training (DLA and DSL for Dynamic R-CNN; none for the baseline).</summary>
    public IReadOnlyList<ITrainingStrategy> Strategies => _strategies;

    /// <summary>Loss terms of a training batch (call in training mode).</summary>
    public DetectorLosses Loss(DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        Tensor[] levels;
        (long Height, long Width)[] sizes;
        using (PhaseProfiler.Measure("backbone+neck"))
        {
            (levels, sizes) = Features(batch.Images);
        }

        Tensor[] objectness, deltas, anchors;
        using (PhaseProfiler.Measure("rpn.forward"))
        {
            (objectness, deltas) = RpnHead.Forward(levels);
            anchors = RpnHead.Anchors(sizes, (batch.Images.Size(2), batch.Images.Size(3)), batch.Images.Device);
        }

        RpnLosses rpn;
        using (PhaseProfiler.Measure("rpn.loss"))
        {
            rpn = RpnHead.Loss(objectness, deltas, anchors, sizes, batch);
        }

        Tensor[] proposals;
        using (PhaseProfiler.Measure("rpn.proposals"))
        {
            proposals = RpnHead.Proposals(objectness, deltas, anchors, batch.Metas, Config.Model.Rpn.TrainProposals);
        }

        var rcnn = RoiHead.Loss(levels.Take(4).ToArray(), proposals, batch);
        var terms = new Dictionary<string, Tensor>
        {
            ["loss_rpn_cls"] = scope.MoveToOuter(rpn.Objectness),
            ["loss_rpn_bbox"] = scope.MoveToOuter(rpn.Box),
            ["loss_cls"] = scope.MoveToOuter(rcnn.Classification),
            ["loss_bbox"] = scope.MoveToOuter(rcnn.Box),
        };
        // The heads' terms are the sums of their per-level values, so backward goes through the levels.
        var perLevel = new Dictionary<string, Tensor>
        {
            ["loss_rpn_cls"] = scope.MoveToOuter(rpn.ObjectnessLevels),
            ["loss_rpn_bbox"] = scope.MoveToOuter(rpn.BoxLevels),
            ["loss_cls"] = scope.MoveToOuter(rcnn.ClassificationLevels),
            ["loss_bbox"] = scope.MoveToOuter(rcnn.BoxLevels),
        };
        var total = terms.Values.Aggregate((a, b) => a + b);
        return new DetectorLosses(terms, scope.MoveToOuter(total)) { Levels = perLevel };
    }

    /// <summary>Detections of every image of the batch, in original-image pixels (call in evaluation mode).</summary>
    public IReadOnlyList<ImageDetections> Predict(DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var (levels, sizes) = Features(batch.Images);
        var (objectness, deltas) = RpnHead.Forward(levels);
        var anchors = RpnHead.Anchors(sizes, (batch.Images.Size(2), batch.Images.Size(3)), batch.Images.Device);
        var proposals = RpnHead.Proposals(objectness, deltas, anchors, batch.Metas, Config.Model.Rpn.TestProposals);
        return RoiHead.Predict(levels.Take(4).ToArray(), proposals, batch.Metas);
    }

    private (Tensor[] Levels, (long Height, long Width)[] Sizes) Features(Tensor images)
    {
        var levels = Neck.Forward(Backbone.Forward(images));
        return (levels, levels.Select(l => (l.Size(2), l.Size(3))).ToArray());
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var strategy in _strategies.OfType<IDisposable>())
            {
                strategy.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
