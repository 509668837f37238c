using DynDet.TestSupport;
using DynDet.Torch.NN;
using Xunit;

namespace DynDet.Torch.Tests;

/// <summary>
/// DynDet's native RoIAlign against torchvision's: bit-identical forward outputs and input gradients on the
/// Python fixtures (every kind of RoI) and against torchvision's op called in-process, for any thread count;
/// a finite-difference check in float64; one-line errors.
/// </summary>
public sealed class RoiAlignTests : TorchTest
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Forward_and_input_gradient_equal_torchvision_fixtures_exactly(int threads)
    {
        Engine.NumThreads = threads;
        using var scope = Engine.NewDisposeScope();
        var t = FixturePack.Load(TestPaths.Fixture("roialign", "cases.pack"));
        string[] cases = t.Keys.Where(k => k.EndsWith(".params", StringComparison.Ordinal))
            .Select(k => k[..^".params".Length]).Order(StringComparer.Ordinal).ToArray();
        Assert.True(cases.Length >= 33, $"expected the fixture's 33 cases, found {cases.Length}");
        foreach (string name in cases)
        {
            double[] p = t[name + ".params"].ToArray<double>();
            var input = t[name + ".input"];
            input.RequiresGrad = true;
            var output = Functional.RoiAlign(input, t[name + ".rois"], p[0], (long)p[1], (long)p[2], (long)p[3], p[4] != 0);
            string what = $"{name} (scale {p[0]:G4}, {p[1]}x{p[2]}, sampling {p[3]}, aligned {p[4] != 0}, {threads} threads)";
            AssertSameValues(t[name + ".output"], output, what + " output");
            output.Backward(t[name + ".upstream"]);
            AssertSameValues(t[name + ".grad_input"], input.Grad!, what + " input gradient");
        }

        Engine.NumThreads = 2;
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void Equals_torchvisions_op_in_process_on_pyramid_like_levels(long samplingRatio, bool aligned)
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(7);
        var random = new Random(11);
        foreach ((long side, double scale) in new[] { (40L, 0.25), (20L, 0.125), (5L, 1.0 / 32) })
        {
            var features = Tensor.Randn(2, 48, side, side);
            var rois = RandomRois(random, 150, 2, side / scale);
            var (nativeOut, nativeGrad) = RunBoth(features, rois, scale, samplingRatio, aligned, RoiAlignImplementation.Native);
            var (visionOut, visionGrad) = RunBoth(features, rois, scale, samplingRatio, aligned, RoiAlignImplementation.TorchVision);
            TensorAssert.Close(visionOut, nativeOut, 0, 0, $"output at {side}x{side}");
            TensorAssert.Close(visionGrad, nativeGrad, 0, 0, $"input gradient at {side}x{side}");
        }
    }

    [Fact]
    public void Non_contiguous_inputs_give_the_contiguous_result()
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(3);
        var features = Tensor.Randn(2, 8, 12, 10).Transpose(2, 3);  // (2, 8, 10, 12), not contiguous
        Assert.False(features.IsContiguous);
        var rois = RandomRois(new Random(5), 30, 2, 12).Transpose(0, 1).Contiguous().Transpose(0, 1);
        Assert.False(rois.IsContiguous);
        var expected = Functional.RoiAlign(features, rois, 1.0, 3, 4, 2, false, RoiAlignImplementation.TorchVision);
        TensorAssert.Close(expected, Functional.RoiAlign(features, rois, 1.0, 3, 4, 2, false), 0, 0);
        TensorAssert.Close(expected, Functional.RoiAlign(features.Contiguous(), rois.Contiguous(), 1.0, 3, 4, 2, false), 0, 0);
    }

    [Fact]
    public void Float64_gradient_equals_finite_differences()
    {
        // RoIAlign is linear in its input, so a unit step gives each Jacobian column exactly (up to rounding).
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(4);
        var x = Tensor.Randn(2, 2, 5, 6).To(ScalarType.Float64);
        var rois = Tensor.FromArray(new double[]
        {
            1, 0.3, 0.2, 5.1, 4.4,
            0, -1.2, 2.0, 3.5, 6.8,
            1, 4.9, 3.9, 5.9, 4.95,
            0, 2.2, 1.1, 2.3, 1.15,
            1, -3, -3, 9, 8,
        }, 5, 5);
        x.RequiresGrad = true;
        var output = Functional.RoiAlign(x, rois, 1.0, 2, 3, 0, true);
        var upstream = Tensor.Randn(output.Shape).To(ScalarType.Float64);
        output.Backward(upstream);
        double[] gradient = x.Grad!.ToArray<double>();
        double[] values = x.Detach().ToArray<double>();
        double[] basis = new double[values.Length];
        using var noGrad = Engine.NoGrad();
        using var reference = Functional.RoiAlign(x.Detach(), rois, 1.0, 2, 3, 0, true);
        for (int i = 0; i < values.Length; i++)
        {
            using var inner = Engine.NewDisposeScope();
            Array.Copy(values, basis, values.Length);
            basis[i] += 1;
            var stepped = Functional.RoiAlign(Tensor.FromArray(basis, x.Shape), rois, 1.0, 2, 3, 0, true);
            double numeric = ((stepped - reference) * upstream).Sum().ToDouble();
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-12, $"element {i}: finite difference {numeric}, gradient {gradient[i]}");
        }

        Assert.Contains(gradient, g => g != 0);
    }

    [Fact]
    public void Bad_arguments_give_one_line_errors_naming_roi_align()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensor.Zeros(2, 3, 8, 8);
        AssertError("(K, 5)", () => Functional.RoiAlign(x, Tensor.Zeros(4, 4), 1.0, 7, 7));
        AssertError("batch index 2", () => Functional.RoiAlign(x, Tensor.FromArray(new float[] { 2, 0, 0, 4, 4 }, 1, 5), 1.0, 7, 7));
        AssertError("batch index -1", () => Functional.RoiAlign(x, Tensor.FromArray(new float[] { -1, 0, 0, 4, 4 }, 1, 5), 1.0, 7, 7));
        AssertError("dtype", () => Functional.RoiAlign(x, Tensor.Zeros([1, 5], ScalarType.Float64), 1.0, 7, 7));
        AssertError("4-D", () => Functional.RoiAlign(Tensor.Zeros(3, 8, 8), Tensor.Zeros(1, 5), 1.0, 7, 7));
        AssertError("output size", () => Functional.RoiAlign(x, Tensor.Zeros(1, 5), 1.0, 0, 7));
        AssertError("float32 or float64", () => Functional.RoiAlign(Tensor.Zeros([2, 3, 8, 8], ScalarType.Int64),
            Tensor.Zeros([1, 5], ScalarType.Int64), 1.0, 7, 7));
    }

    [Fact]
    public void Empty_inputs_pool_to_zeros()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensor.Randn(2, 3, 6, 6);
        x.RequiresGrad = true;
        var none = Functional.RoiAlign(x, Tensor.Zeros(0, 5), 0.5, 7, 7);
        Assert.Equal(new long[] { 0, 3, 7, 7 }, none.Shape);
        none.Sum().Backward();
        Assert.Equal(0.0, x.Grad!.Abs().Sum().ToDouble());
        var noChannels = Functional.RoiAlign(Tensor.Zeros(1, 0, 4, 4), Tensor.FromArray(new float[] { 0, 0, 0, 2, 2 }, 1, 5), 1, 2, 2);
        Assert.Equal(new long[] { 1, 0, 2, 2 }, noChannels.Shape);
    }

    /// <summary>Exact equality, element by element (NaN where NaN is expected; NaN payloads may differ).</summary>
    private static void AssertSameValues(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.AsSpan().SequenceEqual(actual.Shape), $"{what}: shape differs");
        Assert.Equal(expected.Dtype, actual.Dtype);
        using var e = expected.To(ScalarType.Float64);
        using var a = actual.To(ScalarType.Float64);
        double[] ev = e.ToArray<double>();
        double[] av = a.ToArray<double>();
        for (int i = 0; i < ev.Length; i++)
        {
            bool same = double.IsNaN(ev[i]) ? double.IsNaN(av[i]) : ev[i] == av[i];
            Assert.True(same, $"{what}: element {i}: expected {ev[i]:R}, got {av[i]:R}");
        }
    }

    private static void AssertError(string fragment, Action call)
    {
        var error = Assert.Throws<TorchException>(call);
        Assert.StartsWith("roi_align: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static (Tensor Output, Tensor Gradient) RunBoth(Tensor features, Tensor rois, double scale, long samplingRatio,
        bool aligned, RoiAlignImplementation implementation)
    {
        var x = features.Detach();
        x.RequiresGrad = true;
        var output = Functional.RoiAlign(x, rois, scale, 7, 7, samplingRatio, aligned, implementation);
        using (var upstreamScope = Engine.NewDisposeScope())
        {
            Engine.ManualSeed(99);
            output.Backward(Tensor.Randn(output.Shape));
        }

        return (output.Detach(), x.Grad!);
    }

    /// <summary>RoIs (count, 5) over <paramref name="batch"/> images of side <paramref name="imageSide"/>: mostly
    /// inside, some partly or wholly outside, some tiny.</summary>
    private static Tensor RandomRois(Random random, int count, int batch, double imageSide)
    {
        float[] data = new float[count * 5];
        for (int k = 0; k < count; k++)
        {
            double x1 = (random.NextDouble() * 1.4 - 0.2) * imageSide;
            double y1 = (random.NextDouble() * 1.4 - 0.2) * imageSide;
            double size = random.NextDouble() < 0.1 ? random.NextDouble() * 2 : 4 + random.NextDouble() * imageSide * 0.6;
            data[k * 5] = random.Next(batch);
            data[k * 5 + 1] = (float)x1;
            data[k * 5 + 2] = (float)y1;
            data[k * 5 + 3] = (float)(x1 + size * (0.5 + random.NextDouble()));
            data[k * 5 + 4] = (float)(y1 + size * (0.5 + random.NextDouble()));
        }

        return Tensor.FromArray(data, count, 5);
    }
}
