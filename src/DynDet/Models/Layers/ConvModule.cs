using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Layers;

/// <summary>
/// MMCV's <c>ConvModule</c>: a convolution under the name <c>conv</c>, optionally followed by a group norm under the
/// name <c>gn</c> and a ReLU, so MMDetection parameter names (<c>lateral_convs.0.conv.weight</c>,
/// <c>cls_convs.0.gn.weight</c>) line up. The FPN and RetinaNet use the bare convolution (with bias); the ATSS towers
/// conv (no bias, as MMCV's <c>bias='auto'</c> with a norm) → GN → ReLU; the FCOS head conv → GN and applies the ReLU
/// itself.
/// </summary>
public sealed class ConvModule : Module<Tensor, Tensor>
{
    private readonly bool _relu;

    /// <summary>Creates the wrapped convolution (with bias), without norm or activation.</summary>
    public ConvModule(int inChannels, int outChannels, int kernelSize, int stride, int padding)
        : this(inChannels, outChannels, kernelSize, stride, padding, bias: true, groupNormGroups: 0)
    {
    }

    /// <summary>Creates the wrapped convolution and, when <paramref name="groupNormGroups"/> &gt; 0, its group norm (no activation).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="bias">Whether the convolution has a bias (mmcv's 'auto' is false when a norm follows).</param>
    /// <param name="groupNormGroups">Groups of the group norm after the conv (0: no norm; else must divide <paramref name="outChannels"/>).</param>
    public ConvModule(int inChannels, int outChannels, int kernelSize, int stride, int padding, bool bias, int groupNormGroups)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(groupNormGroups);
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, stride, padding, bias: bias));
        if (groupNormGroups > 0)
        {
            Norm = RegisterModule("gn", new GroupNorm(groupNormGroups, outChannels));
        }
    }

    /// <summary>Creates conv (no bias) → GroupNorm of <paramref name="normGroups"/> groups (<c>gn</c>) → ReLU.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels (a multiple of <paramref name="normGroups"/>).</param>
    /// <param name="kernelSize">Kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Padding.</param>
    /// <param name="normGroups">GroupNorm groups (≥ 1, dividing <paramref name="outChannels"/>).</param>
    public ConvModule(int inChannels, int outChannels, int kernelSize, int stride, int padding, int normGroups)
        : this(inChannels, outChannels, kernelSize, stride, padding, bias: false, groupNormGroups: Math.Max(normGroups, 1))
    {
        _relu = true;
    }

    /// <summary>The convolution.</summary>
    public Conv2d Conv { get; }

    /// <summary>The group norm after the convolution, or null.</summary>
    public GroupNorm? Norm { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (Norm is null && !_relu)
        {
            return Conv.Forward(input);
        }

        using var scope = Engine.NewDisposeScope();
        var x = Conv.Forward(input);
        if (Norm is not null)
        {
            x = Norm.Forward(x);
        }

        return scope.MoveToOuter(_relu ? x.Relu_() : x);
    }
}
