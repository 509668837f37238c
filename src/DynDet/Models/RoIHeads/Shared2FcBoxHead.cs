using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.RoIHeads;

/// <summary>
/// MMDetection's <c>Shared2FCBBoxHead</c> (SPEC §2.1): flatten the pooled RoI features, two shared fully
/// connected layers with ReLU, then class logits (C + 1, background last) and class-specific deltas (4C).
/// Names: <c>shared_fcs.0</c>, <c>shared_fcs.1</c>, <c>fc_cls</c>, <c>fc_reg</c>. Init: shared fcs Xavier-uniform
/// (bias 0), fc_cls N(0, 0.01), fc_reg N(0, 0.001).
/// </summary>
public sealed class Shared2FcBoxHead : Module<Tensor, (Tensor ClassLogits, Tensor Deltas)>
{
    private readonly ModuleList<Linear> _shared;
    private readonly Linear _cls;
    private readonly Linear _reg;

    /// <summary>Creates the head.</summary>
    /// <param name="inChannels">Channels of the pooled features (256).</param>
    /// <param name="roiSize">Side of the pooled features (7).</param>
    /// <param name="fcChannels">Width of the shared layers (1024).</param>
    /// <param name="numClasses">Foreground classes C (80 on COCO).</param>
    public Shared2FcBoxHead(int inChannels, int roiSize, int fcChannels, int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        NumClasses = numClasses;
        _shared = RegisterModule("shared_fcs", new ModuleList<Linear>(
            new Linear(inChannels * roiSize * roiSize, fcChannels), new Linear(fcChannels, fcChannels)));
        _cls = RegisterModule("fc_cls", new Linear(fcChannels, numClasses + 1));
        _reg = RegisterModule("fc_reg", new Linear(fcChannels, numClasses * 4));
        foreach (var fc in _shared)
        {
            Init.XavierUniform_(fc.Weight);
            Init.Zeros_(fc.Bias!);
        }

        Init.Normal_(_cls.Weight, 0, 0.01);
        Init.Zeros_(_cls.Bias!);
        Init.Normal_(_reg.Weight, 0, 0.001);
        Init.Zeros_(_reg.Bias!);
    }

    /// <summary>Foreground classes C.</summary>
    public int NumClasses { get; }

    /// <summary>Class logits (R, C + 1) and deltas (R, 4C) for pooled RoI features (R, channels, s, s).</summary>
    public override (Tensor ClassLogits, Tensor Deltas) Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = Engine.NewDisposeScope();
        var x = input.Flatten(1);
        foreach (var fc in _shared)
        {
            x = fc.Forward(x).Relu_();
        }

        return (scope.MoveToOuter(_cls.Forward(x)), scope.MoveToOuter(_reg.Forward(x)));
    }
}
