namespace DynDet.Torch.NN;

/// <summary>
/// 2-D convolution with parameters <c>weight</c> (out, in/groups, k, k) and optional <c>bias</c>, initialised
/// as PyTorch does (Kaiming-uniform with a = √5; bias U(−1/√fan_in, 1/√fan_in)).
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">Input channels (≥ 1).</param>
    /// <param name="outChannels">Output channels (≥ 1).</param>
    /// <param name="kernelSize">Square kernel size (≥ 1).</param>
    /// <param name="stride">Stride (default 1).</param>
    /// <param name="padding">Zero padding on every side (default 0).</param>
    /// <param name="dilation">Dilation (default 1).</param>
    /// <param name="groups">Channel groups (default 1; must divide both channel counts).</param>
    /// <param name="bias">Whether to add a bias (default true).</param>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        if (inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"groups {groups} must divide {inChannels} and {outChannels}", nameof(groups));
        }

        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, kernelSize, kernelSize]));
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Empty([outChannels]));
            double bound = 1 / Math.Sqrt(Init.FanIn(Weight));
            Init.Uniform_(Bias, -bound, bound);
        }
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size.</summary>
    public int KernelSize { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>Padding.</summary>
    public int Padding { get; }

    /// <summary>Dilation.</summary>
    public int Dilation { get; }

    /// <summary>Groups.</summary>
    public int Groups { get; }

    /// <summary>The kernel, (out, in/groups, k, k).</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, (out), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
}
