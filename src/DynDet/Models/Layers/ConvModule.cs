using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Layers;

/// <summary>
/// A convolution wrapped under the name <c>conv</c>, optionally followed by a group norm named <c>gn</c>, as MMCV's
/// <c>ConvModule</c> (here without the activation, which callers apply), so MMDetection parameter names
/// (<c>lateral_convs.0.conv.weight</c>, <c>cls_convs.0.gn.weight</c>) line up.
/// </summary>
public sealed class ConvModule : Module<Tensor, Tensor>
{
    /// <summary>Creates the wrapped convolution (with bias) and no norm.</summary>
    public ConvModule(int inChannels, int outChannels, int kernelSize, int stride, int padding)
        : this(inChannels, outChannels, kernelSize, stride, padding, bias: true, groupNormGroups: 0)
    {
    }

    /// <summary>Creates the wrapped convolution and, when <paramref name="groupNormGroups"/> &gt; 0, its group norm.</summary>
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

    /// <summary>The convolution.</summary>
    public Conv2d Conv { get; }

    /// <summary>The group norm after the convolution, or null.</summary>
    public GroupNorm? Norm { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Norm is null ? Conv.Forward(input) : Norm.Forward(Conv.Forward(input));
}
