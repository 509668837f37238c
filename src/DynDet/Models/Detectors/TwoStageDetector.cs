using DynDet.Config;
using DynDet.Data;
using DynDet.Diagnostics;
using DynDet.Models.Backbones;
using DynDet.Models.DenseHeads;
using DynDet.Models.Necks;
using DynDet.Models.RoIHeads;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Detectors;

/// <summary>
/// MMDetection's <c>TwoStageDetector</c>, as torchvision's <c>GeneralizedRCNN</c> takes its parts: backbone → FPN →
/// RPN proposals → R-CNN head on the finest four levels. Faster R-CNN (SPEC §2) and Dynamic R-CNN (SPEC §1: the same
/// parts, its R-CNN head steered by DLA and DSL) are configurations of it, built by <see cref="DetectorFactory"/>.
/// Parameter names are MMDetection's (<c>backbone.*</c>, <c>neck.*</c>, <c>rpn_head.*</c>,
/// <c>roi_head.bbox_head.*</c>).
/// </summary>
public sealed class TwoStageDetector : DetectionModel
{
    private readonly ResNet _backbone;

    /// <summary>Assembles the detector from built parts.</summary>
    /// <param name="config">The configuration the parts were built from.</param>
    /// <param name="classNames">The C foreground classes.</param>
    /// <param name="backbone">The backbone.</param>
    /// <param name="neck">The FPN.</param>
    /// <param name="rpnHead">The region proposal network.</param>
    /// <param name="roiHead">The R-CNN head.</param>
    public TwoStageDetector(DetectorConfig config, IReadOnlyList<string> classNames, ResNet backbone, Fpn neck,
        RpnHead rpnHead, StandardRoiHead roiHead)
        : base(config, classNames)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(neck);
        ArgumentNullException.ThrowIfNull(rpnHead);
        ArgumentNullException.ThrowIfNull(roiHead);
        _backbone = RegisterModule("backbone", backbone);
        Neck = RegisterModule("neck", neck);
        RpnHead = RegisterModule("rpn_head", rpnHead);
        RoiHead = RegisterModule(StandardRoiHead.Name, roiHead);
    }

    /// <inheritdoc />
    public override Module<Tensor, Tensor[]> Backbone => _backbone;

    /// <summary>The FPN.</summary>
    public Fpn Neck { get; }

    /// <summary>The region proposal network.</summary>
    public RpnHead RpnHead { get; }

    /// <summary>The R-CNN head.</summary>
    public StandardRoiHead RoiHead { get; }

    /// <inheritdoc />
    public override DetectorLosses Loss(DetectionBatch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
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
            proposals = RpnHead.Proposals(objectness, deltas, anchors, batch.Metas, RpnHead.Config.TrainProposals);
        }

        var rcnn = RoiHead.Loss(levels.Take(4).ToArray(), proposals, batch, context.Statistics);
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
        return new DetectorLosses(terms, scope.MoveToOuter(total))
        {
            Levels = perLevel,
            LevelGroups = new Dictionary<string, IReadOnlyList<string>>
            {
                ["rpn"] = ["loss_rpn_cls", "loss_rpn_bbox"],
                [StandardRoiHead.Name] = ["loss_cls", "loss_bbox"],
            },
        };
    }

    /// <inheritdoc />
    public override IReadOnlyList<ImageDetections> Predict(DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var (levels, sizes) = Features(batch.Images);
        var (objectness, deltas) = RpnHead.Forward(levels);
        var anchors = RpnHead.Anchors(sizes, (batch.Images.Size(2), batch.Images.Size(3)), batch.Images.Device);
        var proposals = RpnHead.Proposals(objectness, deltas, anchors, batch.Metas, RpnHead.Config.TestProposals);
        return RoiHead.Predict(levels.Take(4).ToArray(), proposals, batch.Metas);
    }

    private (Tensor[] Levels, (long Height, long Width)[] Sizes) Features(Tensor images)
    {
        var levels = Neck.Forward(_backbone.Forward(images));
        return (levels, levels.Select(l => (l.Size(2), l.Size(3))).ToArray());
    }
}
