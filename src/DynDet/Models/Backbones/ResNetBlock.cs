using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Backbones;

/// <summary>A residual block of <see cref="ResNet"/>: basic (two 3×3 convs) or bottleneck (1×1, 3×3, 1×1).</summary>
public sealed class ResNetBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly Module<Tensor, Tensor> _bn1;
    private readonly Conv2d _conv2;
    private readonly Module<Tensor, Tensor> _bn2;
    private readonly Conv2d? _conv3;
    private readonly Module<Tensor, Tensor>? _bn3;
    private readonly Sequential? _downsample;

    /// <summary>Creates a block with torchvision's layer names (<c>conv1</c>, <c>bn1</c>, ..., <c>downsample.0/1</c>).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="planes">Block width (output is planes × expansion: 1 basic, 4 bottleneck).</param>
    /// <param name="stride">Stride, on the 3×3 conv (torchvision / MMDetection "pytorch" style).</param>
    /// <param name="bottleneck">Bottleneck (ResNet-50/101) or basic (ResNet-18/34).</param>
    /// <param name="norm">Normalisation layer factory.</param>
    public ResNetBlock(int inChannels, int planes, int stride, bool bottleneck, Func<int, Module<Tensor, Tensor>> norm)
    {
        ArgumentNullException.ThrowIfNull(norm);
        IsBottleneck = bottleneck;
        int expansion = bottleneck ? 4 : 1;
        OutChannels = planes * expansion;
        if (bottleneck)
        {
            _conv1 = RegisterModule("conv1", new Conv2d(inChannels, planes, 1, bias: false));
            _bn1 = RegisterModule("bn1", norm(planes));
            _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, stride, 1, bias: false));
            _bn2 = RegisterModule("bn2", norm(planes));
            _conv3 = RegisterModule("conv3", new Conv2d(planes, OutChannels, 1, bias: false));
            _bn3 = RegisterModule("bn3", norm(OutChannels));
        }
        else
        {
            _conv1 = RegisterModule("conv1", new Conv2d(inChannels, planes, 3, stride, 1, bias: false));
            _bn1 = RegisterModule("bn1", norm(planes));
            _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, 1, bias: false));
            _bn2 = RegisterModule("bn2", norm(planes));
        }

        // torchvision registers relu after the convs; it has no parameters, so only the order of the rest matters.
        if (stride != 1 || inChannels != OutChannels)
        {
            _downsample = RegisterModule("downsample",
                new Sequential(new Conv2d(inChannels, OutChannels, 1, stride, bias: false), norm(OutChannels)));
        }
    }

    /// <summary>Whether this is a bottleneck block.</summary>
    public bool IsBottleneck { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>The convolutions of this block, in order (for initialisation).</summary>
    internal IEnumerable<Conv2d> Convolutions()
    {
        yield return _conv1;
        yield return _conv2;
        if (_conv3 is not null)
        {
            yield return _conv3;
        }

        if (_downsample is not null)
        {
            yield return (Conv2d)_downsample[0];
        }
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        using var scope = Engine.NewDisposeScope();
        var x = ConvNorm.Forward(_conv1, _bn1, input).Relu_();
        x = ConvNorm.Forward(_conv2, _bn2, x);
        if (_conv3 is not null)
        {
            x = ConvNorm.Forward(_conv3, _bn3!, x.Relu_());
        }

        var identity = _downsample is null
            ? input
            : ConvNorm.Forward((Conv2d)_downsample[0], _downsample[1], input);
        return scope.MoveToOuter(x.Add_(identity).Relu_());
    }
}
