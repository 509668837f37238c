using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Diagnostics;
using DynDet.Dynamic;
using DynDet.Losses;
using DynDet.Structures;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.RoIHeads;

/// <summary>
/// MMDetection's <c>StandardRoIHead</c> with a <see cref="Shared2FcBoxHead"/> (SPEC §2.2 "R-CNN targets",
/// "R-CNN loss", "Test"), and, when <see cref="Steering"/> is set, <c>DynamicRoIHead</c> (SPEC §1.2): the
/// assigner uses the steered IoU threshold, the SmoothL1 loss the steered β. Every training step publishes the
/// statistics Dynamic R-CNN's strategies read, under <see cref="Name"/> (<see cref="DynamicRcnnStatistics"/>).
/// </summary>
public sealed class StandardRoiHead : Module
{
    private readonly MaxIouAssigner _assigner;
    private readonly RandomSampler _sampler;
    private readonly DeltaXywhBoxCoder _coder;
    private readonly BoxRegressionLoss _boxLoss;

    /// <summary>Creates the head.</summary>
    /// <param name="inChannels">Channels of the pyramid maps (256).</param>
    /// <param name="numClasses">Foreground classes C.</param>
    /// <param name="config">The head's settings.</param>
    /// <param name="extractor">RoI pooling.</param>
    /// <param name="coderOptions">Delta coder (stds 0.1, 0.1, 0.2, 0.2).</param>
    /// <param name="steering">Where the IoU threshold and β come from during training, or null for the config's.</param>
    public StandardRoiHead(int inChannels, int numClasses, RoiHeadConfig config, RoiExtractor extractor,
        DeltaXywhBoxCoderOptions coderOptions, RoiHeadSteering? steering = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        NumClasses = numClasses;
        Extractor = extractor;
        Steering = steering;
        BoxHead = RegisterModule("bbox_head", new Shared2FcBoxHead(inChannels, config.RoiSize, config.FcChannels, numClasses));
        _assigner = new MaxIouAssigner(config.Assigner.ToOptions());
        _sampler = new RandomSampler(config.Sampler.ToOptions());
        _coder = new DeltaXywhBoxCoder(coderOptions);
        _boxLoss = new BoxRegressionLoss(config.LossBox);
        if (steering?.SmoothL1Beta is not null && config.LossBox.Type != BoxLossKind.SmoothL1)
        {
            // MMDetection's DynamicRoIHead asserts the same: DSL steers SmoothL1's β.
            throw new InputException("Dynamic R-CNN needs model.roi_head.loss_box.type = smooth_l1");
        }
    }

    /// <summary>The configuration.</summary>
    public RoiHeadConfig Config { get; }

    /// <summary>
    /// The options the proposal assigner was built with (Dynamic R-CNN moves its thresholds from there while
    /// training; these stay as built).
    /// </summary>
    public MaxIouAssignerOptions AssignerOptions => _assigner.Options;

    /// <summary>Foreground classes C.</summary>
    public int NumClasses { get; }

    /// <summary>The fully connected box head.</summary>
    public Shared2FcBoxHead BoxHead { get; }

    /// <summary>RoI pooling.</summary>
    public RoiExtractor Extractor { get; }

    /// <summary>The prefix of the statistics it publishes (<c>roi_head</c>, its parameters' prefix).</summary>
    public const string Name = "roi_head";

    /// <summary>What steers the IoU threshold and β, or null.</summary>
    public RoiHeadSteering? Steering { get; }

    /// <summary>The positive IoU threshold the next assignment uses (the steered one when steered).</summary>
    public double IouThreshold => Steering?.IouThreshold?.Invoke() ?? _assigner.PosIouThr;

    /// <summary>The SmoothL1 β the next loss uses (the steered one when steered).</summary>
    public double Beta => Steering?.SmoothL1Beta?.Invoke() ?? _boxLoss.Beta;

    /// <summary>
    /// Losses of a training batch (proposals per image, in network-input pixels, detached); publishes the step's
    /// statistics into <paramref name="statistics"/> when given (<see cref="DynamicRcnnStatistics"/> names under
    /// <see cref="Name"/>).
    /// </summary>
    public RoiHeadLosses Loss(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals, DetectionBatch batch,
        StepStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var scope = Engine.NewDisposeScope();
        RoiTargets targets;
        using (PhaseProfiler.Measure("rcnn.assign+sample"))
        {
            targets = SampleTargets(proposals, batch);
        }

        Tensor pooled, roiLevels, logits, deltas;
        using (PhaseProfiler.Measure("rcnn.roi_align"))
        {
            (pooled, roiLevels) = Extractor.ExtractWithLevels(features, targets.Rois);
        }

        using (PhaseProfiler.Measure("rcnn.box_head"))
        {
            (logits, deltas) = BoxHead.Forward(pooled);
        }

        var losses = Loss(logits, deltas, targets, roiLevels);
        if (statistics is not null)
        {
            Publish(statistics, targets);
        }

        scope.MoveToOuter(losses.Classification, losses.Box, losses.ClassificationLevels, losses.BoxLevels);
        return losses;
    }

    /// <summary>
    /// Assigns each image's proposals to its gts with the current threshold, samples them (gts prepended when
    /// configured) and encodes the positives' targets; no gradient.
    /// </summary>
    public RoiTargets SampleTargets(IReadOnlyList<Tensor> proposals, DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        if (Steering?.IouThreshold is { } threshold)
        {
            _assigner.SetIouThreshold(threshold());
        }

        var device = proposals.Count > 0 ? proposals[0].Device : Device.Cpu;
        int images = batch.Count;
        var rois = new Tensor[images];
        var labels = new Tensor[images];
        var targets = new Tensor[images];
        var positiveRows = new Tensor[images];
        var positiveLabels = new Tensor[images];
        var maxOverlaps = new Tensor[images];
        var originalErrors = new List<Tensor>();
        long offset = 0;
        for (int i = 0; i < images; i++)
        {
            var gt = batch.Targets[i];
            using var assignment = _assigner.Assign(proposals[i], gt.Boxes, gt.Labels);
            using var sample = _sampler.Sample(assignment, proposals[i], gt.Boxes, gt.Labels);
            var boxes = sample.Boxes;
            long n = boxes.Size(0);
            rois[i] = Tensor.Cat([Tensor.Full([n, 1], i, device: device), boxes], 1);
            labels[i] = Tensor.Cat([sample.PosGtLabels!, Tensor.Full([sample.NumNeg], NumClasses, ScalarType.Int64, device)]);
            targets[i] = _coder.Encode(sample.PosBoxes, sample.PosGtBoxes);
            positiveRows[i] = Tensor.Arange(sample.NumPos, ScalarType.Int64, device) + offset;
            positiveLabels[i] = sample.PosGtLabels!.Alias();
            // After sampling, the gts are prepended to the assignment (add_gt_as_proposals): DLA's pool.
            maxOverlaps[i] = assignment.MaxOverlaps.Alias();
            if (Steering?.PublishRegressionErrors == true)
            {
                originalErrors.Add(OriginalRegressionErrors(assignment, proposals[i], gt.Boxes));
            }

            offset += n;
        }

        var result = new RoiTargets(Tensor.Cat(rois), Tensor.Cat(labels), Tensor.Cat(positiveRows),
            Tensor.Cat(positiveLabels), Tensor.Cat(targets), maxOverlaps,
            originalErrors.Count > 0 ? Tensor.Cat(originalErrors) : null);
        scope.MoveToOuter(result.Rois, result.Labels, result.PositiveRows, result.PositiveLabels, result.PositiveTargets);
        scope.MoveToOuter([.. maxOverlaps]);
        if (result.OriginalErrors is not null)
        {
            scope.MoveToOuter(result.OriginalErrors);
        }

        return result;
    }

    /// <summary>
    /// The losses of given predictions (SPEC §2.2 "R-CNN loss"): cross-entropy over C + 1 classes and the box
    /// loss of the positives' gt-class deltas, each summed and divided by the number of sampled RoIs; the box
    /// loss uses DSL's current β when dynamic. Each term is also returned per pyramid level (one scatter-add of
    /// the element-wise losses by the level each RoI was pooled from, on the device).
    /// </summary>
    /// <param name="logits">Class logits (R, C + 1) of the sampled RoIs.</param>
    /// <param name="deltas">Box deltas (R, 4C) of the sampled RoIs.</param>
    /// <param name="targets">The sampled RoIs' targets.</param>
    /// <param name="roiLevels">int64 (R) level each RoI was pooled from (<see cref="RoiExtractor.ExtractWithLevels"/>);
    /// null (default) maps <see cref="RoiTargets.Rois"/> with the extractor's rule, as pooling them would.</param>
    public RoiHeadLosses Loss(Tensor logits, Tensor deltas, RoiTargets targets, Tensor? roiLevels = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = Engine.NewDisposeScope();
        if (Steering?.SmoothL1Beta is { } beta)
        {
            _boxLoss.Beta = beta();
        }

        long sampled = targets.Sampled;
        int numLevels = Extractor.Strides.Count;
        var levels = roiLevels ?? Extractor.Mapper.Map(targets.Rois);
        var crossEntropy = Functional.CrossEntropy(logits, targets.Labels, reduction: Reduction.None);
        var clsLevels = LevelSum.Of(crossEntropy, levels, numLevels) / (double)Math.Max(sampled, 1);
        var boxLevels = targets.Positives > 0
            ? _boxLoss.ComputePerLevel(deltas.View(sampled, -1, 4).Index(targets.PositiveRows, targets.PositiveLabels),
                targets.PositiveTargets, sampled, levels.IndexSelect(0, targets.PositiveRows), numLevels)
            : Tensor.Zeros([numLevels], device: deltas.Device) + deltas.Sum() * 0.0;
        return new RoiHeadLosses(scope.MoveToOuter(clsLevels.Sum()), scope.MoveToOuter(boxLevels.Sum()),
            scope.MoveToOuter(clsLevels), scope.MoveToOuter(boxLevels), targets.Positives, sampled);
    }

    private static void Publish(StepStatistics statistics, RoiTargets targets)
    {
        statistics.Publish($"{Name}.{DynamicRcnnStatistics.MaxOverlaps}", targets.MaxOverlaps);
        statistics.Publish($"{Name}.{DynamicRcnnStatistics.PositiveTargets}", targets.PositiveTargets);
        if (targets.OriginalErrors is not null)
        {
            statistics.Publish($"{Name}.{DynamicRcnnStatistics.RegressionErrors}", targets.OriginalErrors);
        }
    }

    /// <summary>
    /// The original repository's β pool for one image (SPEC §1.3.3): every proposal (gts prepended) encoded to
    /// its matched gt — unmatched ones to gt 0 — then <c>mean(|dx|, |dy|)</c>; empty when the image has no gts.
    /// </summary>
    private Tensor OriginalRegressionErrors(AssignResult assignment, Tensor proposals, Tensor gtBoxes)
    {
        if (gtBoxes.Size(0) == 0)
        {
            return Tensor.Zeros([0], device: proposals.Device);
        }

        var boxes = Config.Sampler.AddGtAsProposals ? Tensor.Cat([gtBoxes, proposals]) : proposals;
        var matched = (assignment.GtIndices - 1).ClampMin(0);
        var encoded = _coder.Encode(boxes, gtBoxes.IndexSelect(0, matched));
        return encoded.Narrow(1, 0, 2).Abs().Mean(1);
    }

    /// <summary>Detections per image in original pixels (SPEC §2.2 "Test").</summary>
    public IReadOnlyList<ImageDetections> Predict(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals,
        IReadOnlyList<ImageMeta> metas)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(proposals);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var device = features[0].Device;
        var rois = Tensor.Cat(proposals.Select((p, i) => Tensor.Cat([Tensor.Full([p.Size(0), 1], i, device: device), p], 1)).ToArray());
        var (logits, deltas) = BoxHead.Forward(Extractor.Extract(features, rois));
        return PostProcess(proposals, logits, deltas, metas);
    }

    /// <summary>
    /// Turns the head's outputs for each image's proposals (rows in image order) into detections: softmax, decode
    /// every class's box clipped to the resized image, drop boxes smaller than the test's <c>min_box_size</c> (torchvision's
    /// rule; none by default), map to original pixels (before NMS, as MMDetection's rescale does), then per-class NMS with
    /// the test thresholds.
    /// </summary>
    public IReadOnlyList<ImageDetections> PostProcess(IReadOnlyList<Tensor> proposals, Tensor logits, Tensor deltas,
        IReadOnlyList<ImageMeta> metas)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(metas);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var scores = Functional.Softmax(logits, 1);
        var results = new ImageDetections[metas.Count];
        long offset = 0;
        for (int i = 0; i < metas.Count; i++)
        {
            long n = proposals[i].Size(0);
            var meta = metas[i];
            var boxes = _coder.Decode(proposals[i], deltas.Narrow(0, offset, n), (meta.Height, meta.Width));
            var foreground = scores.Narrow(0, offset, n).Narrow(1, 0, NumClasses);
            if (Config.Test.MinBoxSize > 0)
            {
                // torchvision's remove_small_boxes, in the resized image's pixels: a dropped box scores below any threshold.
                var perClass = boxes.View(n, -1, 4);
                var small = (perClass.Narrow(2, 2, 2) - perClass.Narrow(2, 0, 2)).Lt(Config.Test.MinBoxSize).Any(2);
                foreground = foreground.MaskedFill(small, -1);
            }

            boxes = meta.MapToOriginal(boxes.View(-1, 4)).View(n, -1);
            var (detBoxes, detScores, detLabels) = BatchedNms.MultiClass(boxes, foreground, Config.Test.ScoreThr,
                Config.Test.NmsIou, Config.Test.MaxPerImage);
            results[i] = new ImageDetections(meta.ImageId, detBoxes.To(Device.Cpu).ToArray<float>(),
                detScores.To(Device.Cpu).ToArray<float>(), detLabels.To(Device.Cpu).ToArray<long>());
            offset += n;
        }

        return results;
    }
}
