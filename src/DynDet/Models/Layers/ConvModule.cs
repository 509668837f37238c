using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Layers;

/// <summary>
/// MMCV's <c>ConvModule</c>: a convolution under the name <c>conv</c>, so MMDetection parameter names
/// (<c>lateral_convs.0.conv.weight</c>) line up; either the bare convolution (with bias, no norm, no activation: the
/// FPN's and RetinaNet's towers), or conv (no bias, as MMCV's <c>bias='auto'</c> with a norm) → GroupNorm under the
/// name <c>gn</c> → ReLU (the FCOS and ATSS towers, <c>norm_cfg=dict(type='GN', num_groups=32)</c>).
/// </summary>
public sealed class ConvModule : Module<Tensor, Tensor>
{
    /// <summary>Creates the wrapped convolution (with bias), without norm or activation.</summary>
    public ConvModule(int inChannels, int outChannels, int kernelSize, int stride, int padding)
    {
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, stride, padding));
    }

    /// <summary>Creates conv (no bias) → GroupNorm of <paramref name="normGroups"/> groups (<c>gn</c>) → ReLU.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels (a multiple of <paramref name="normGroups"/>).</param>
    /// <param name="kernelSize">Kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Padding.</param>
    /// <param name="normGroups">GroupNorm groups (≥ 1, dividing <paramref name="outChannels"/>).</param>
    public ConvModule(int inChannels, int outChannels, int kernelSize, int stride, int padding, int normGroups)
    {
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, stride, padding, bias: false));
        Norm = RegisterModule("gn", new GroupNorm(normGroups, outChannels));
    }

    /// <summary>The convolution.</summary>
    public Conv2d Conv { get; }

    /// <summary>The GroupNorm followed by ReLU, or null for the bare convolution.</summary>
    public GroupNorm? Norm { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (Norm is null)
        {
            return Conv.Forward(input);
        }

        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(Norm.Forward(Conv.Forward(input)).Relu_());
    }
}
