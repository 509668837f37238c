using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Layers;

/// <summary>
/// A convolution wrapped under the name <c>conv</c>, as MMCV's <c>ConvModule</c> (here without norm or
/// activation), so MMDetection parameter names (<c>lateral_convs.0.conv.weight</c>) line up.
/// </summary>
public sealed class ConvModule : Module<Tensor, Tensor>
{
    /// <summary>Creates the wrapped convolution (with bias).</summary>
    public ConvModule(int inChannels, int outChannels, int kernelSize, int stride, int padding)
    {
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, stride, padding));
    }

    /// <summary>The convolution.</summary>
    public Conv2d Conv { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Conv.Forward(input);
}
