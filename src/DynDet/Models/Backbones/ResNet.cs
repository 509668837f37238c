using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Backbones;

/// <summary>
/// ResNet 18/34/50/101 as torchvision builds it (v1.5: stride on the 3×3 conv), with torchvision's
/// <c>state_dict</c> names so its ImageNet weights load by name. <see cref="Forward"/> returns the feature maps
/// of the chosen stages (C2–C5, strides 4–32). Adds MMDetection's frozen stages and norm-eval, and a width
/// multiplier for small CPU variants. Initialisation matches torchvision's draw for draw under the same seed.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor[]>
{
    private static readonly int[] Planes = [64, 128, 256, 512];
    private readonly Conv2d _conv1;
    private readonly Module<Tensor, Tensor> _bn1;
    private readonly ModuleList<ResNetBlock>[] _stages;
    private readonly Linear? _fc;

    /// <summary>Creates the network, initialised as torchvision does.</summary>
    public ResNet(ResNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        (bool bottleneck, int[] blocks) = options.Depth switch
        {
            18 => (false, new[] { 2, 2, 2, 2 }),
            34 => (false, new[] { 3, 4, 6, 3 }),
            50 => (true, new[] { 3, 4, 6, 3 }),
            101 => (true, new[] { 3, 4, 23, 3 }),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Depth, "ResNet depth must be 18, 34, 50 or 101"),
        };
        if (options.WidthMultiplier <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WidthMultiplier, "width multiplier must be positive");
        }

        Func<int, Module<Tensor, Tensor>> norm = options.Norm == NormKind.FrozenBatchNorm
            ? c => new FrozenBatchNorm2d(c)
            : c => new BatchNorm2d(c);
        int stem = Scale(64);
        _conv1 = RegisterModule("conv1", new Conv2d(3, stem, 7, 2, 3, bias: false));
        _bn1 = RegisterModule("bn1", norm(stem));
        int inChannels = stem;
        _stages = new ModuleList<ResNetBlock>[4];
        var channels = new int[4];
        for (int s = 0; s < 4; s++)
        {
            int planes = Scale(Planes[s]);
            var stage = new ModuleList<ResNetBlock>();
            for (int b = 0; b < blocks[s]; b++)
            {
                var block = new ResNetBlock(inChannels, planes, b == 0 && s > 0 ? 2 : 1, bottleneck, norm);
                stage.Add(block);
                inChannels = block.OutChannels;
            }

            channels[s] = inChannels;
            _stages[s] = RegisterModule($"layer{s + 1}", stage);
        }

        StageChannels = channels;
        if (options.NumClasses > 0)
        {
            _fc = RegisterModule("fc", new Linear(inChannels, options.NumClasses));
        }

        // torchvision: kaiming_normal_(fan_out, relu) on every conv after construction, in module order.
        foreach (var (_, module) in NamedModules())
        {
            if (module is Conv2d conv)
            {
                Init.KaimingNormal_(conv.Weight, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
            }
        }

        ApplyFreezing();

        int Scale(int width) => Math.Max(1, (int)Math.Round(width * options.WidthMultiplier));
    }

    /// <summary>The configuration.</summary>
    public ResNetOptions Options { get; }

    /// <summary>Output channels of layer1..layer4 (C2..C5).</summary>
    public IReadOnlyList<int> StageChannels { get; }

    /// <summary>Channels of the maps <see cref="Forward"/> returns, in order.</summary>
    public IReadOnlyList<int> OutChannels => Options.OutIndices.Select(i => StageChannels[i]).ToArray();

    /// <summary>Feature maps of the stages in <see cref="ResNetOptions.OutIndices"/> for an NCHW batch.</summary>
    public override Tensor[] Forward(Tensor input)
    {
        using var scope = Engine.NewDisposeScope();
        var x = Stem(input);
        var outputs = new List<Tensor>();
        int last = Options.OutIndices.Max();
        for (int s = 0; s <= last; s++)
        {
            foreach (var block in _stages[s])
            {
                x = Advance(block, x, outputs);
            }

            if (Options.OutIndices.Contains(s))
            {
                outputs.Add(x);
            }
        }

        foreach (var o in outputs)
        {
            scope.MoveToOuter(o);
        }

        return outputs.ToArray();
    }

    /// <summary>ImageNet logits (needs <see cref="ResNetOptions.NumClasses"/> &gt; 0), as torchvision's forward.</summary>
    public Tensor Classify(Tensor input)
    {
        if (_fc is null)
        {
            throw new InvalidOperationException("this ResNet has no classifier head (NumClasses is 0)");
        }

        using var scope = Engine.NewDisposeScope();
        var x = Stem(input);
        foreach (var stage in _stages)
        {
            foreach (var block in stage)
            {
                x = Advance(block, x, []);
            }
        }

        var pooled = Functional.AdaptiveAvgPool2d(x, 1, 1).Flatten(1);
        return scope.MoveToOuter(_fc.Forward(pooled));
    }

    /// <inheritdoc />
    public override Module Train(bool training = true)
    {
        base.Train(training);
        if (training)
        {
            ApplyFreezing();
        }

        return this;
    }

    /// <summary>
    /// Runs one block and releases its input unless it is a returned feature map: like PyTorch's reference
    /// counting, so activations do not pile up until the end of the pass (autograd keeps what it needs).
    /// </summary>
    private static Tensor Advance(ResNetBlock block, Tensor x, List<Tensor> keep)
    {
        var next = block.Forward(x);
        if (!keep.Contains(x))
        {
            x.Dispose();
        }

        return next;
    }

    private Tensor Stem(Tensor input)
    {
        var x = ConvNorm.Forward(_conv1, _bn1, input).Relu_();
        return Functional.MaxPool2d(x, 3, 2, 1);
    }

    private void ApplyFreezing()
    {
        if (Options.FrozenStages >= 0)
        {
            _conv1.RequiresGrad(false);
            _bn1.RequiresGrad(false);
            _bn1.Eval();
        }

        for (int s = 0; s < Math.Min(Options.FrozenStages, 4); s++)
        {
            _stages[s].RequiresGrad(false);
            _stages[s].Eval();
        }

        if (Options.NormEval)
        {
            foreach (var (_, module) in NamedModules())
            {
                if (module is BatchNorm2d bn)
                {
                    bn.Eval();
                }
            }
        }
    }
}
