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
/// MMDetection's <c>SingleStageDetector</c> (detectron2's dense detector), as torchvision's RetinaNet takes its parts:
/// backbone → FPN → a dense head on every level (RetinaNet, ATSS, and the FCOS head to come). Built by
/// <see cref="DetectorFactory"/>. Parameter names are MMDetection's (<c>backbone.*</c>, <c>neck.*</c>, <c>bbox_head.*</c>).
/// </summary>
public sealed class SingleStageDetector : DetectionModel
{
    private readonly ResNet _backbone;

    /// <summary>Assembles the detector from built parts.</summary>
    /// <param name="config">The configuration the parts were built from.</param>
    /// <param name="classNames">The C foreground classes.</param>
    /// <param name="backbone">The backbone.</param>
    /// <param name="neck">The FPN.</param>
    /// <param name="head">The dense head.</param>
    public SingleStageDetector(DetectorConfig config, IReadOnlyList<string> classNames, ResNet backbone, Fpn neck, DenseHead head)
        : base(config, classNames)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(neck);
        ArgumentNullException.ThrowIfNull(head);
        _backbone = RegisterModule("backbone", backbone);
        Neck = RegisterModule("neck", neck);
        Head = RegisterModule("bbox_head", head);
    }

    /// <inheritdoc />
    public override Module<Tensor, Tensor[]> Backbone => _backbone;

    /// <summary>The FPN.</summary>
    public Fpn Neck { get; }

    /// <summary>The dense head.</summary>
    public DenseHead Head { get; }

    /// <summary>The neck's levels for a batch of images (finest first).</summary>
    public Tensor[] Features(Tensor images) => Neck.Forward(_backbone.Forward(images));

    /// <inheritdoc />
    public override DetectorLosses Loss(DetectionBatch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        using var scope = Engine.NewDisposeScope();
        Tensor[] levels;
        using (PhaseProfiler.Measure("backbone+neck"))
        {
            levels = Features(batch.Images);
        }

        IReadOnlyDictionary<string, Tensor> perLevel;
        using (PhaseProfiler.Measure("head"))
        {
            perLevel = Head.Loss(levels, batch, context);
        }

        // Each term is the sum of its per-level values, so backward goes through the levels.
        var terms = perLevel.ToDictionary(t => t.Key, t => scope.MoveToOuter(t.Value.Sum()));
        var levelsOut = perLevel.ToDictionary(t => t.Key, t => scope.MoveToOuter(t.Value));
        var total = terms.Values.Aggregate((a, b) => a + b);
        return new DetectorLosses(terms, scope.MoveToOuter(total))
        {
            Levels = levelsOut,
            LevelGroups = new Dictionary<string, IReadOnlyList<string>> { ["bbox_head"] = [.. levelsOut.Keys] },
        };
    }

    /// <inheritdoc />
    public override IReadOnlyList<ImageDetections> Predict(DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        Tensor[] levels;
        using (PhaseProfiler.Measure("backbone+neck"))
        {
            levels = Features(batch.Images);
        }

        using (PhaseProfiler.Measure("head"))
        {
            return Head.Predict(levels, batch);
        }
    }
}
