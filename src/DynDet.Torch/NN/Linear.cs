namespace DynDet.Torch.NN;

/// <summary>
/// Fully connected layer <c>y = x·Wᵀ + b</c> with <c>weight</c> (out, in) and optional <c>bias</c>, initialised as
/// PyTorch does (Kaiming-uniform with a = √5; bias U(−1/√in, 1/√in)).
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inFeatures">Input features (≥ 1).</param>
    /// <param name="outFeatures">Output features (≥ 1).</param>
    /// <param name="bias">Whether to add a bias (default true).</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Empty([outFeatures, inFeatures]));
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Empty([outFeatures]));
            double bound = 1 / Math.Sqrt(inFeatures);
            Init.Uniform_(Bias, -bound, bound);
        }
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, (out, in).</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, (out), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
