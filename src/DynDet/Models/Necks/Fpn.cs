using DynDet.Torch;
using DynDet.Models.Layers;
using DynDet.Torch.NN;

namespace DynDet.Models.Necks;

/// <summary>
/// Feature pyramid network as MMDetection's <c>FPN</c> (SPEC §0.5): 1×1 lateral convs, nearest top-down
/// upsampling to each lower level's size and addition, 3×3 output convs, all without norm or activation,
/// Xavier-uniform initialised; extra levels by max-pool or stride-2 convs. Parameter names follow MMDetection
/// (<c>lateral_convs.0.conv.weight</c>, <c>fpn_convs.0.conv.weight</c>).
/// </summary>
public sealed class Fpn : Module<Tensor[], Tensor[]>
{
    private readonly ModuleList<ConvModule> _lateral;
    private readonly ModuleList<ConvModule> _output;
    private readonly int _backboneLevels;

    /// <summary>Creates the neck.</summary>
    public Fpn(FpnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _backboneLevels = options.InChannels.Count - options.StartLevel;
        if (_backboneLevels < 1 || options.NumOuts < _backboneLevels)
        {
            throw new ArgumentException("FPN needs at least one backbone level and NumOuts ≥ the backbone levels used", nameof(options));
        }

        _lateral = RegisterModule("lateral_convs", new ModuleList<ConvModule>());
        _output = RegisterModule("fpn_convs", new ModuleList<ConvModule>());
        for (int i = options.StartLevel; i < options.InChannels.Count; i++)
        {
            _lateral.Add(new ConvModule(options.InChannels[i], options.OutChannels, 1, 1, 0));
            _output.Add(new ConvModule(options.OutChannels, options.OutChannels, 3, 1, 1));
        }

        if (options.Extra != ExtraLevels.MaxPool)
        {
            for (int k = 0; k < options.NumOuts - _backboneLevels; k++)
            {
                int inChannels = k == 0 && options.Extra == ExtraLevels.ConvOnInput
                    ? options.InChannels[^1]
                    : options.OutChannels;
                _output.Add(new ConvModule(inChannels, options.OutChannels, 3, 2, 1));
            }
        }

        foreach (var conv in _lateral.Concat(_output))
        {
            Init.XavierUniform_(conv.Conv.Weight);
            Init.Zeros_(conv.Conv.Bias!);
        }
    }

    /// <summary>The configuration.</summary>
    public FpnOptions Options { get; }

    /// <summary>Pyramid levels from the backbone maps (all of them, C2–C5 for R-50); finest first.</summary>
    public override Tensor[] Forward(Tensor[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length != Options.InChannels.Count)
        {
            throw new ArgumentException($"FPN expects {Options.InChannels.Count} maps, got {input.Length}", nameof(input));
        }

        using var scope = Engine.NewDisposeScope();
        var laterals = new Tensor[_backboneLevels];
        for (int i = 0; i < _backboneLevels; i++)
        {
            laterals[i] = _lateral[i].Forward(input[i + Options.StartLevel]);
        }

        for (int i = _backboneLevels - 1; i > 0; i--)
        {
            long[] shape = laterals[i - 1].Shape;
            laterals[i - 1] = laterals[i - 1] + Functional.Interpolate(laterals[i], shape[2], shape[3]);
        }

        var outputs = new List<Tensor>(Options.NumOuts);
        for (int i = 0; i < _backboneLevels; i++)
        {
            outputs.Add(_output[i].Forward(laterals[i]));
        }

        if (Options.Extra == ExtraLevels.MaxPool)
        {
            while (outputs.Count < Options.NumOuts)
            {
                outputs.Add(Functional.MaxPool2d(outputs[^1], 1, 2));
            }
        }
        else
        {
            var source = Options.Extra == ExtraLevels.ConvOnInput ? input[^1] : outputs[^1];
            outputs.Add(_output[_backboneLevels].Forward(source));
            for (int i = _backboneLevels + 1; i < Options.NumOuts; i++)
            {
                var previous = Options.ReluBeforeExtraConvs ? outputs[^1].Relu() : outputs[^1];
                outputs.Add(_output[i].Forward(previous));
            }
        }

        foreach (var o in outputs)
        {
            scope.MoveToOuter(o);
        }

        return outputs.ToArray();
    }
}
