namespace DynDet.Torch.NN;

/// <summary>
/// Weight initialisation as <c>torch.nn.init</c>. Each function fills the tensor in place without recording
/// autograd and draws from the global generator with the same ops in the same order as PyTorch, so with the
/// same seed it produces the same numbers.
/// </summary>
public static class Init
{
    /// <summary>Fan-in of a weight: size(1) × receptive field (at least 2 dimensions).</summary>
    public static long FanIn(Tensor tensor) => Fans(tensor).FanIn;

    /// <summary>Fan-out of a weight: size(0) × receptive field.</summary>
    public static long FanOut(Tensor tensor) => Fans(tensor).FanOut;

    /// <summary>PyTorch's <c>calculate_gain</c>; <paramref name="negativeSlope"/> applies to leaky ReLU (default 0.01 there).</summary>
    public static double Gain(Nonlinearity nonlinearity, double? negativeSlope = null) => nonlinearity switch
    {
        Nonlinearity.Linear => 1.0,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + Math.Pow(negativeSlope ?? 0.01, 2))),
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity)),
    };

    /// <summary>U(−b, b) with <c>b = gain·√(3 / fan)</c>; PyTorch's defaults: a = 0, fan-in, leaky ReLU.</summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        double std = Gain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound);
    }

    /// <summary>N(0, std²) with <c>std = gain / √fan</c>; PyTorch's defaults: a = 0, fan-in, leaky ReLU.</summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        double std = Gain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        return Normal_(tensor, 0, std);
    }

    /// <summary>U(−a, a) with <c>a = gain·√(6 / (fan_in + fan_out))</c> (Glorot).</summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1.0)
    {
        var (fanIn, fanOut) = Fans(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a);
    }

    /// <summary>N(0, std²) with <c>std = gain·√(2 / (fan_in + fan_out))</c>.</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1.0)
    {
        var (fanIn, fanOut) = Fans(tensor);
        return Normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>U(<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static Tensor Uniform_(Tensor tensor, double from = 0, double to = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var noGrad = Engine.NoGrad();
        return tensor.Uniform_(from, to);
    }

    /// <summary>N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var noGrad = Engine.NoGrad();
        return tensor.Normal_(mean, std);
    }

    /// <summary>Every element set to <paramref name="value"/>.</summary>
    public static Tensor Constant_(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var noGrad = Engine.NoGrad();
        return tensor.Fill_(value);
    }

    /// <summary>Every element set to 0.</summary>
    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);

    /// <summary>Every element set to 1.</summary>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>The bias that makes a sigmoid output <paramref name="priorProbability"/> at start: −ln((1 − π) / π).</summary>
    public static double BiasForPriorProbability(double priorProbability)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(priorProbability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(priorProbability, 1);
        return -Math.Log((1 - priorProbability) / priorProbability);
    }

    private static double Fan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = Fans(tensor);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }

    private static (long FanIn, long FanOut) Fans(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long[] shape = tensor.Shape;
        if (shape.Length < 2)
        {
            throw new ArgumentException("fan in and fan out need a tensor with at least 2 dimensions", nameof(tensor));
        }

        long receptive = 1;
        for (int k = 2; k < shape.Length; k++)
        {
            receptive *= shape[k];
        }

        return (shape[1] * receptive, shape[0] * receptive);
    }
}
