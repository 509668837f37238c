using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Backbones;

/// <summary>
/// A convolution followed by its normalisation layer. A frozen batch norm is an affine map with constant
/// coefficients, so it is folded into the convolution: the weight is scaled per output channel (a tensor of the
/// weight's size, in the graph, so the weight still trains) and the shift becomes the conv's bias. That removes two
/// passes over the activation map forward and their backward, the same result up to float rounding. Other norms
/// (trainable batch norm) run after the convolution as usual.
/// </summary>
internal static class ConvNorm
{
    /// <summary><paramref name="norm"/>(<paramref name="conv"/>(<paramref name="input"/>)), folded when the norm is frozen.</summary>
    public static Tensor Forward(Conv2d conv, Module<Tensor, Tensor> norm, Tensor input)
    {
        if (norm is not FrozenBatchNorm2d frozen || conv.Bias is not null)
        {
            return norm.Forward(conv.Forward(input));
        }

        using var scope = Engine.NewDisposeScope();
        var scale = frozen.Weight * (frozen.RunningVar + frozen.Eps).Rsqrt();
        var shift = frozen.Bias - frozen.RunningMean * scale;
        var weight = conv.Weight * scale.View(-1, 1, 1, 1);
        return scope.MoveToOuter(Functional.Conv2d(input, weight, shift, conv.Stride, conv.Padding, conv.Dilation, conv.Groups));
    }
}
