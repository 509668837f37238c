using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// The convolutions of MMDetection's <c>RPNHead</c> (SPEC §2.1): a shared 3×3 conv + ReLU, then 1×1
/// objectness (A sigmoid logits) and 1×1 box deltas (4A) per location, applied to every pyramid level with
/// the same weights; all initialised N(0, 0.01), bias 0. Names: <c>rpn_conv</c>, <c>rpn_cls</c>, <c>rpn_reg</c>.
/// </summary>
public sealed class RpnHead : Module<Tensor[], (Tensor[] Objectness, Tensor[] Deltas)>
{
    private readonly Conv2d _conv;
    private readonly Conv2d _cls;
    private readonly Conv2d _reg;

    /// <summary>Creates the head.</summary>
    /// <param name="inChannels">Channels of the pyramid maps (256).</param>
    /// <param name="anchorsPerLocation">Anchors per location (3 for ratios 0.5/1/2).</param>
    /// <param name="featChannels">Channels of the shared conv (default = <paramref name="inChannels"/>).</param>
    public RpnHead(int inChannels, int anchorsPerLocation, int? featChannels = null)
    {
        int feat = featChannels ?? inChannels;
        AnchorsPerLocation = anchorsPerLocation;
        _conv = RegisterModule("rpn_conv", new Conv2d(inChannels, feat, 3, 1, 1));
        _cls = RegisterModule("rpn_cls", new Conv2d(feat, anchorsPerLocation, 1));
        _reg = RegisterModule("rpn_reg", new Conv2d(feat, anchorsPerLocation * 4, 1));
        foreach (var conv in new[] { _conv, _cls, _reg })
        {
            Init.Normal_(conv.Weight, 0, 0.01);
            Init.Zeros_(conv.Bias!);
        }
    }

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
            // (N, A, H, W) → (N, H, W, A) → (N, H·W·A): location-major, as MMDetection's anchors.
            objectness[level] = scope.MoveToOuter(_cls.Forward(x).Permute(0, 2, 3, 1).Reshape(n, -1));
            deltas[level] = scope.MoveToOuter(_reg.Forward(x).Permute(0, 2, 3, 1).Reshape(n, -1, 4));
        }

        return (objectness, deltas);
    }
}
