namespace DynDet.Torch.NN;

/// <summary>
/// Group normalisation, as <c>torch.nn.GroupNorm</c>: channels split into <see cref="NumGroups"/> groups, each
/// normalised over (channels of the group, H, W); affine <c>weight</c> (1) and <c>bias</c> (0).
/// </summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numGroups">Groups (≥ 1, must divide <paramref name="numChannels"/>; 32 in FCOS/ATSS heads).</param>
    /// <param name="numChannels">Channels.</param>
    /// <param name="eps">Added to the variance (default 1e-5).</param>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numGroups, 1);
        if (numChannels % numGroups != 0)
        {
            throw new ArgumentException($"{numGroups} groups do not divide {numChannels} channels", nameof(numGroups));
        }

        NumGroups = numGroups;
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones([numChannels]));
        Bias = RegisterParameter("bias", Tensor.Zeros([numChannels]));
    }

    /// <summary>Groups.</summary>
    public int NumGroups { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Scale.</summary>
    public Tensor Weight { get; }

    /// <summary>Shift.</summary>
    public Tensor Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);
}
