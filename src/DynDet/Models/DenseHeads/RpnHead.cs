using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Losses;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// MMDetection's <c>RPNHead</c> (SPEC §2.1–2.2): a shared 3×3 conv + ReLU, then 1×1 objectness (A sigmoid
/// logits) and 1×1 box deltas (4A) per location, on every pyramid level with the same weights (init
/// N(0, 0.01), bias 0; names <c>rpn_conv</c>, <c>rpn_cls</c>, <c>rpn_reg</c>). What it shares with the one-stage
/// anchor heads is handed to it: the anchors and valid flags (<see cref="AnchorPriors"/>), the per-image target step
/// (<see cref="AnchorTargetStep"/>: MaxIoU 0.7/0.3 and a random sampler of 256 with half positives, targets encoded
/// per image) and the proposal rule (<see cref="ProposalGenerator"/>). Its own part is the loss: BCE over the sampled
/// anchors and the box loss over the positives, divided by MMDetection's average factor
/// <c>Σ_images max(#pos, 1) + max(#neg, 1)</c>, per anchor level.
/// </summary>
public sealed class RpnHead : Module<Tensor[], (Tensor[] Objectness, Tensor[] Deltas)>
{
    private readonly Conv2d _conv;
    private readonly Conv2d _cls;
    private readonly Conv2d _reg;
    private readonly AnchorPriors _priors;
    private readonly AnchorTargetStep _targets;
    private readonly ProposalGenerator _proposals;
    private readonly BoxRegressionLoss _boxLoss;

    /// <summary>Creates the head; it owns (disposes) <paramref name="priors"/>.</summary>
    /// <param name="inChannels">Channels of the pyramid maps (256).</param>
    /// <param name="config">The RPN's settings (the box loss and the proposal settings are read from it).</param>
    /// <param name="priors">Anchors and valid flags (MMDetection or torchvision style, built from <paramref name="config"/>).</param>
    /// <param name="targets">
    /// The target step, with a MaxIoU assigner of <paramref name="config"/>'s thresholds and the style's low-quality rule,
    /// and the random sampler.
    /// </param>
    /// <param name="proposals">The proposal rule; its coder (stds 1) also encodes the regression targets.</param>
    /// <exception cref="ArgumentException"><paramref name="targets"/> does not assign by MaxIoU.</exception>
    public RpnHead(int inChannels, RpnConfig config, AnchorPriors priors, AnchorTargetStep targets, ProposalGenerator proposals)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(priors);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(proposals);
        if (targets.MaxIouAssigner is null)
        {
            throw new ArgumentException("the RPN assigns its anchors by MaxIoU", nameof(targets));
        }

        Config = config;
        _priors = priors;
        _targets = targets;
        _proposals = proposals;
        int a = priors.AnchorsPerLocation;
        AnchorsPerLocation = a;
        _conv = RegisterModule("rpn_conv", new Conv2d(inChannels, inChannels, 3, 1, 1));
        _cls = RegisterModule("rpn_cls", new Conv2d(inChannels, a, 1));
        _reg = RegisterModule("rpn_reg", new Conv2d(inChannels, a * 4, 1));
        foreach (var conv in new[] { _conv, _cls, _reg })
        {
            Init.Normal_(conv.Weight, 0, 0.01);
            Init.Zeros_(conv.Bias!);
        }

        _boxLoss = new BoxRegressionLoss(config.LossBox);
    }

    /// <summary>The configuration.</summary>
    public RpnConfig Config { get; }

    /// <summary>The options the anchor assigner was built with.</summary>
    public MaxIouAssignerOptions AssignerOptions => _targets.MaxIouAssigner!.Options;

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
    public Tensor[] Anchors(IReadOnlyList<(long Height, long Width)> sizes, (long Height, long Width) imageSize, Device device) =>
        _priors.Anchors(sizes, imageSize, device);

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
        int numLevels = anchors.Length;
        var samples = _targets.Sample(_priors, anchors, featureSizes, batch, _proposals.Coder);
        long numPos = samples.NumPos, numNeg = samples.NumNeg;
        long avgFactor = samples.PosCount.Zip(samples.NegCount, (p, q) => Math.Max(p, 1) + Math.Max(q, 1)).Sum();
        var device = samples.PosIndex.Device;
        var sampled = Tensor.Cat([samples.PosIndex, samples.NegIndex]);
        var sampledLevels = Tensor.Cat([samples.PosLevels, samples.NegLevels]);
        var logits = Tensor.Cat(objectness, 1).Reshape(-1).IndexSelect(0, sampled);
        var labels = Tensor.Cat([Tensor.Ones([numPos], device: device), Tensor.Zeros([numNeg], device: device)]);
        // Element-wise BCE, then one scatter-add by anchor level: the levels sum to the reduction-sum loss.
        var bce = Functional.BinaryCrossEntropyWithLogits(logits, labels, reduction: Reduction.None);
        var clsLevels = LevelSum.Of(bce, sampledLevels, numLevels) / (double)avgFactor;
        var predicted = Tensor.Cat(deltas, 1).Reshape(-1, 4).IndexSelect(0, samples.PosIndex);
        var boxLevels = numPos > 0
            ? _boxLoss.ComputePerLevel(predicted, samples.PosTargets!, avgFactor, samples.PosLevels, numLevels)
            : Tensor.Zeros([numLevels], device: device) + predicted.Sum() * 0.0;
        return new RpnLosses(scope.MoveToOuter(clsLevels.Sum()), scope.MoveToOuter(boxLevels.Sum()),
            scope.MoveToOuter(clsLevels), scope.MoveToOuter(boxLevels), numPos, numNeg);
    }

    /// <summary>
    /// Proposals per image (K ≤ max per image, 4), detached, best first (SPEC §2.2 "Proposals"), in network
    /// input pixels clipped to each image's resized shape: <see cref="ProposalGenerator.Generate"/>.
    /// </summary>
    public Tensor[] Proposals(Tensor[] objectness, Tensor[] deltas, Tensor[] anchors, IReadOnlyList<ImageMeta> metas,
        ProposalConfig config) => _proposals.Generate(objectness, deltas, anchors, metas, config);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _priors.Dispose();
        }

        base.Dispose(disposing);
    }
}
