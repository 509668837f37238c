using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Diagnostics;
using DynDet.Losses;
using DynDet.Structures;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// MMDetection's <c>RPNHead</c> (SPEC §2.1–2.2): a shared 3×3 conv + ReLU, then 1×1 objectness (A sigmoid
/// logits) and 1×1 box deltas (4A) per location, on every pyramid level with the same weights (init
/// N(0, 0.01), bias 0; names <c>rpn_conv</c>, <c>rpn_cls</c>, <c>rpn_reg</c>); anchors, MaxIoU assignment and random
/// sampling per image, BCE + box losses over the batch divided by MMDetection's average factor, and
/// proposals: top-k per level, decode, clip, drop empty boxes, NMS within each level, keep the best per image.
/// </summary>
public sealed class RpnHead : Module<Tensor[], (Tensor[] Objectness, Tensor[] Deltas)>
{
    private readonly Conv2d _conv;
    private readonly Conv2d _cls;
    private readonly Conv2d _reg;
    private readonly AnchorGenerator _anchors;
    private readonly MaxIouAssigner _assigner;
    private readonly RandomSampler _sampler;
    private readonly DeltaXywhBoxCoder _coder;
    private readonly BoxRegressionLoss _boxLoss;

    /// <summary>Creates the head.</summary>
    /// <param name="inChannels">Channels of the pyramid maps (256).</param>
    /// <param name="config">Anchors, assignment, sampling, losses and proposal settings.</param>
    /// <param name="anchorOptions">Anchor generator options built from <paramref name="config"/> (MMDetection or torchvision style).</param>
    /// <param name="coderOptions">Box coder options (stds 1 for the RPN).</param>
    /// <param name="assignerOptions">
    /// Anchor assigner options built from <paramref name="config"/>'s thresholds with the style's low-quality rule
    /// (the detector's builder decides the rule from <c>model.style</c>).
    /// </param>
    public RpnHead(int inChannels, RpnConfig config, AnchorGeneratorOptions anchorOptions, DeltaXywhBoxCoderOptions coderOptions,
        MaxIouAssignerOptions assignerOptions)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(assignerOptions);
        Config = config;
        _anchors = new AnchorGenerator(anchorOptions);
        int a = _anchors.NumBaseAnchors(0);
        AnchorsPerLocation = a;
        _conv = RegisterModule("rpn_conv", new Conv2d(inChannels, inChannels, 3, 1, 1));
        _cls = RegisterModule("rpn_cls", new Conv2d(inChannels, a, 1));
        _reg = RegisterModule("rpn_reg", new Conv2d(inChannels, a * 4, 1));
        foreach (var conv in new[] { _conv, _cls, _reg })
        {
            Init.Normal_(conv.Weight, 0, 0.01);
            Init.Zeros_(conv.Bias!);
        }

        _assigner = new MaxIouAssigner(assignerOptions);
        _sampler = new RandomSampler(config.Sampler.ToOptions());
        _coder = new DeltaXywhBoxCoder(coderOptions);
        _boxLoss = new BoxRegressionLoss(config.LossBox);
    }

    /// <summary>The configuration.</summary>
    public RpnConfig Config { get; }

    /// <summary>The options the anchor assigner was built with (the constructor's <c>assignerOptions</c>).</summary>
    public MaxIouAssignerOptions AssignerOptions => _assigner.Options;

    /// <summary>Anchors per location.</summary>
    public int AnchorsPerLocation { get; }

    /// <summary>
    /// Per level: objectness logits (N, H·W·A) and deltas (N, H·W·A, 4), flattened in the anchor generator's
    /// order (location-major, then anchor).
    /// </summary>
    public override (Tensor[] Objectness, Tensor[] Deltas) Forward(Tensor[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = Engine.NewDisposeScope();
        var objectness = new Tensor[input.Length];
        var deltas = new Tensor[input.Length];
        for (int level = 0; level < input.Length; level++)
        {
            var x = _conv.Forward(input[level]).Relu_();
            long n = x.Size(0);
            // (N, A, H, W) → (N, H, W, A) → (N, H·W·A): location-major, as the anchors.
            objectness[level] = scope.MoveToOuter(_cls.Forward(x).Permute(0, 2, 3, 1).Reshape(n, -1));
            deltas[level] = scope.MoveToOuter(_reg.Forward(x).Permute(0, 2, 3, 1).Reshape(n, -1, 4));
        }

        return (objectness, deltas);
    }

    /// <summary>Anchors of every level for pyramid maps of the given sizes (owned by the caller's scope).</summary>
    public Tensor[] Anchors(IReadOnlyList<(long Height, long Width)> sizes, (long Height, long Width) imageSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var strides = _anchors.Options.Style == AnchorStyle.TorchVision
            ? AnchorGenerator.TorchVisionStrides(imageSize, sizes)
            : null;
        return _anchors.GridAnchors(sizes, device, strides);
    }

    /// <summary>
    /// Losses of a training batch (SPEC §2.2 "RPN targets and loss"), per anchor level (one value per entry of
    /// <paramref name="anchors"/>) and summed; computed on the device with one scatter-add per term.
    /// </summary>
    public RpnLosses Loss(Tensor[] objectness, Tensor[] deltas, Tensor[] anchors,
        IReadOnlyList<(long Height, long Width)> featureSizes, DetectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(objectness);
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        var allAnchors = Tensor.Cat(anchors);
        long total = allAnchors.Size(0);
        var device = allAnchors.Device;
        int numLevels = anchors.Length;
        // The level of every anchor of one image, in the concatenated order (sizes are shapes: no device read).
        var anchorLevels = Tensor.Cat([.. anchors.Select((a, l) => Tensor.Full([a.Size(0)], l, ScalarType.Int64, device))]);
        var positives = new List<Tensor>();
        var negatives = new List<Tensor>();
        var positiveAnchors = new List<Tensor>();
        var negativeAnchors = new List<Tensor>();
        var targets = new List<Tensor>();
        long avgFactor = 0, numPos = 0, numNeg = 0;
        using (Engine.NoGrad())
        {
            for (int i = 0; i < batch.Count; i++)
            {
                var valid = AnchorValidity.ValidIndices(featureSizes, _anchors.Options.Strides, AnchorsPerLocation, batch.Metas[i], device);
                var candidates = valid is null ? allAnchors : allAnchors.IndexSelect(0, valid);
                var gt = batch.Targets[i];
                using var assignment = _assigner.Assign(candidates, gt.Boxes, gt.Labels);
                using var sample = _sampler.Sample(assignment, candidates, gt.Boxes, gt.Labels);
                var pos = valid is null ? sample.PosIndices : valid.IndexSelect(0, sample.PosIndices);
                var neg = valid is null ? sample.NegIndices : valid.IndexSelect(0, sample.NegIndices);
                positives.Add(pos + i * total);
                negatives.Add(neg + i * total);
                positiveAnchors.Add(pos.Alias());
                negativeAnchors.Add(neg.Alias());
                targets.Add(_coder.Encode(sample.PosBoxes, sample.PosGtBoxes));
                numPos += sample.NumPos;
                numNeg += sample.NumNeg;
                avgFactor += Math.Max(sample.NumPos, 1) + Math.Max(sample.NumNeg, 1);
            }
        }

        var posIndex = Tensor.Cat(positives);
        var sampled = Tensor.Cat([posIndex, Tensor.Cat(negatives)]);
        var posLevels = anchorLevels.IndexSelect(0, Tensor.Cat(positiveAnchors));
        var sampledLevels = Tensor.Cat([posLevels, anchorLevels.IndexSelect(0, Tensor.Cat(negativeAnchors))]);
        var logits = Tensor.Cat(objectness, 1).Reshape(-1).IndexSelect(0, sampled);
        var labels = Tensor.Cat([Tensor.Ones([numPos], device: device), Tensor.Zeros([numNeg], device: device)]);
        // Element-wise BCE, then one scatter-add by anchor level: the levels sum to the reduction-sum loss.
        var bce = Functional.BinaryCrossEntropyWithLogits(logits, labels, reduction: Reduction.None);
        var clsLevels = LevelSum.Of(bce, sampledLevels, numLevels) / (double)avgFactor;
        var predicted = Tensor.Cat(deltas, 1).Reshape(-1, 4).IndexSelect(0, posIndex);
        var boxLevels = numPos > 0
            ? _boxLoss.ComputePerLevel(predicted, Tensor.Cat(targets), avgFactor, posLevels, numLevels)
            : Tensor.Zeros([numLevels], device: device) + predicted.Sum() * 0.0;
        return new RpnLosses(scope.MoveToOuter(clsLevels.Sum()), scope.MoveToOuter(boxLevels.Sum()),
            scope.MoveToOuter(clsLevels), scope.MoveToOuter(boxLevels), numPos, numNeg);
    }

    /// <summary>
    /// Proposals per image (K ≤ max per image, 4), detached, best first (SPEC §2.2 "Proposals"), in network
    /// input pixels clipped to each image's resized shape.
    /// </summary>
    public Tensor[] Proposals(Tensor[] objectness, Tensor[] deltas, Tensor[] anchors, IReadOnlyList<ImageMeta> metas,
        ProposalConfig config)
    {
        ArgumentNullException.ThrowIfNull(objectness);
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(metas);
        ArgumentNullException.ThrowIfNull(config);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        int levels = objectness.Length;
        // Top-k per level for the whole batch at once, on the logits (the sigmoid is monotonic).
        var topScores = new Tensor[levels];
        var topDeltas = new Tensor[levels];
        var topAnchors = new Tensor[levels];
        var levelIds = new Tensor[levels];
        for (int l = 0; l < levels; l++)
        {
            long k = Math.Min(config.NmsPre, objectness[l].Size(1));
            var (values, index) = objectness[l].Detach().TopK(k, 1);
            topScores[l] = values.Sigmoid();
            var gathered = index.Unsqueeze(2).Expand(-1, -1, 4);
            topDeltas[l] = deltas[l].Detach().Gather(1, gathered);
            topAnchors[l] = anchors[l].IndexSelect(0, index.Reshape(-1)).View(index.Size(0), k, 4);
            levelIds[l] = Tensor.Full([k], l, ScalarType.Int64, objectness[l].Device);
        }

        var scores = Tensor.Cat(topScores, 1);
        var boxDeltas = Tensor.Cat(topDeltas, 1);
        var boxAnchors = Tensor.Cat(topAnchors, 1);
        var ids = Tensor.Cat(levelIds);
        var proposals = new Tensor[metas.Count];
        for (int i = 0; i < metas.Count; i++)
        {
            var boxes = _coder.Decode(boxAnchors.Select(0, i), boxDeltas.Select(0, i), (metas[i].Height, metas[i].Width));
            var s = scores.Select(0, i);
            var groups = ids;
            var width = boxes.Select(1, 2) - boxes.Select(1, 0);
            var height = boxes.Select(1, 3) - boxes.Select(1, 1);
            var keepSize = (width > config.MinBoxSize) & (height > config.MinBoxSize);
            var kept = keepSize.NonzeroFlat();
            boxes = boxes.IndexSelect(0, kept);
            s = s.IndexSelect(0, kept);
            groups = groups.IndexSelect(0, kept);
            Tensor keep;
            using (PhaseProfiler.Measure("rpn.proposals.nms"))
            {
                keep = BatchedNms.Apply(boxes, s, groups, config.NmsIou, classAgnostic: !config.NmsPerLevel, maxKeep: config.MaxPerImage);
            }

            proposals[i] = scope.MoveToOuter(boxes.IndexSelect(0, keep));
        }

        return proposals;
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
