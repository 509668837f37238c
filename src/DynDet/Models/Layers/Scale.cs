using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.Layers;

/// <summary>
/// mmcv's <c>Scale</c>: one learnable scalar multiplying its input, used per pyramid level on the regression output of
/// FCOS, ATSS, GFL and VFNet heads so that levels sharing one head can scale their outputs apart. The parameter is a
/// 0-d float32 tensor named <c>scale</c>, as in mmcv's state dict (<c>scales.0.scale</c>).
/// </summary>
public sealed class Scale : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="initialValue">Starting value of the scalar (default 1.0, as in mmcv and every head in SPEC).</param>
    public Scale(double initialValue = 1.0)
    {
        if (!double.IsFinite(initialValue))
        {
            throw new ArgumentOutOfRangeException(nameof(initialValue), initialValue, "the scale must be finite");
        }

        Value = RegisterParameter("scale", Tensor.ScalarTensor(initialValue));
    }

    /// <summary>The learnable scalar (0-d); the module's own tensor, do not dispose it.</summary>
    public Tensor Value { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input * Value;
    }
}
