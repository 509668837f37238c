using DynDet.TestSupport;
using DynDet.Torch.Native;
using DynDet.Torch.Optim;

namespace DynDet.Torch.Tests;

/// <summary>
/// SGD, zero-grad and clipping on libtorch's <c>_foreach_*</c> ops against the per-parameter arithmetic they
/// replace (transcribed below from the previous Sgd and GradientClipping), bit for bit.
/// </summary>
public sealed class ForeachOptimTests : TorchTest
{
    private static readonly long[][] Shapes = [[3], [4, 5], [2, 3, 3, 3], [1], [7, 1], [6]];

    [Theory]
    [InlineData(0.9, false)]
    [InlineData(0.9, true)]
    [InlineData(0.0, false)]
    public void Sgd_step_equals_the_per_parameter_arithmetic_bit_for_bit(double momentum, bool nesterov)
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(5);
        var initial = Shapes.Select(s => Tensor.Randn(s)).ToArray();
        var mine = initial.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var reference = initial.Select(t => t.Clone().RequiresGrad_()).ToArray();
        // Two groups with their own lr and weight decay; parameter 4 first gets a gradient at step 1 (its buffer
        // starts while the others' are updated); parameter 5 never gets one (skipped: unchanged, no buffer).
        (int[] Members, double Lr, double Decay)[] groups = [([0, 1, 2, 5], 0.05, 1e-4), ([3, 4], 0.01, 0)];
        using var sgd = new Sgd(groups.Select(g => new ParameterGroup(g.Members.Select(k => mine[k]), g.Lr, g.Decay)),
            momentum, nesterov);
        var buffers = new Dictionary<int, Tensor>();
        for (int step = 0; step < 4; step++)
        {
            for (int k = 0; k < 5; k++)
            {
                if (k == 4 && step == 0)
                {
                    continue;
                }

                var grad = Tensor.Randn(Shapes[k]);
                mine[k].Grad = grad.Clone();
                reference[k].Grad = grad.Clone();
            }

            sgd.Step();
            PerParameterStep(reference, groups, momentum, nesterov, buffers);
            for (int k = 0; k < Shapes.Length; k++)
            {
                SameBits(reference[k], mine[k], $"parameter {k} after step {step}");
                if (buffers.TryGetValue(k, out var buffer))
                {
                    SameBits(buffer, sgd.MomentumBuffer(mine[k])!, $"momentum buffer {k} after step {step}");
                }
                else
                {
                    Assert.Null(sgd.MomentumBuffer(mine[k]));
                }
            }
        }

        SameBits(initial[5], mine[5], "the parameter without a gradient");
        Assert.Equal(momentum == 0 ? 0 : 5, buffers.Count);
    }

    [Fact]
    public void Zero_grad_sets_to_none_or_zeroes_in_place()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensor.Randn(3, 2).RequiresGrad_();
        var b = Tensor.Randn(4).RequiresGrad_();
        var none = Tensor.Randn(2).RequiresGrad_();
        using var sgd = new Sgd([a, b, none], 0.1);
        (a.Sum() * 2 + b.Square().Sum()).Backward();
        sgd.ZeroGrad(setToNone: false);
        Assert.Equal(0, a.Grad!.Abs().Sum().ToDouble());
        Assert.Equal(0, b.Grad!.Abs().Sum().ToDouble());
        Assert.Equal(new long[] { 3, 2 }, a.Grad!.Shape);
        Assert.Null(none.Grad);
        sgd.ZeroGrad();
        Assert.Null(a.Grad);
        Assert.Null(b.Grad);
        Assert.Null(none.Grad);
    }

    [Theory]
    [InlineData(0.5)]   // clips
    [InlineData(1e6)]   // coefficient 1
    public void Clipping_equals_the_per_tensor_arithmetic_bit_for_bit(double maxNorm)
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(7);
        long[][] shapes = [[3], [64, 3, 3, 3], [1], [257, 300], [1024]];
        var grads = shapes.Select(s => Tensor.Randn(s) * 3).ToArray();
        var reference = grads.Select(g => g.Clone()).ToArray();
        var parameters = shapes.Select(s => Tensor.Zeros(s).RequiresGrad_()).ToArray();
        for (int k = 0; k < grads.Length; k++)
        {
            parameters[k].Grad = grads[k];
        }

        var norm = GradientClipping.ClipGradNorm(parameters, maxNorm);
        var expectedNorm = Tensor.Stack([.. reference.Select(g => g.Norm())]).Norm();
        var coefficient = (maxNorm / (expectedNorm + 1e-6)).ClampMax(1.0);
        foreach (var g in reference)
        {
            g.Mul_(coefficient);
        }

        Assert.Equal(0, norm.Dim);
        SameBits(expectedNorm, norm, "total norm");
        for (int k = 0; k < grads.Length; k++)
        {
            SameBits(reference[k], parameters[k].Grad!, $"gradient {k}");
        }
    }

    [Fact]
    public void Clipping_without_gradients_returns_a_zero_norm()
    {
        using var scope = Engine.NewDisposeScope();
        var p = Tensor.Zeros(3).RequiresGrad_();
        Assert.Equal(0, GradientClipping.ClipGradNorm([p], 1.0).ToDouble());
    }

    [Fact]
    public void Foreach_lists_of_different_lengths_are_refused_naming_the_op()
    {
        using var scope = Engine.NewDisposeScope();
        var a = new[] { Tensor.Zeros(2), Tensor.Zeros(3) };
        var b = new[] { Tensor.Ones(2) };
        var e = Assert.Throws<TorchException>(() => Foreach.Add_(a, b));
        Assert.Contains("_foreach_add_", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Foreach.Zero_([]));
        Assert.Equal(0, a[0].Abs().Sum().ToDouble());
    }

    [Fact]
    public unsafe void Batched_gradient_exports_refuse_a_bad_list_and_change_nothing()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensor.Ones(2).RequiresGrad_();
        a.Sum().Backward();
        long live = Engine.LiveTensors;
        var handles = new[] { a.RawHandle, IntPtr.Zero };
        var grads = new IntPtr[2];
        fixed (IntPtr* h = handles)
        fixed (IntPtr* g = grads)
        {
            Assert.NotEqual(0, NativeMethods.dd_tensor_grads(h, 2, g));
            Assert.Contains("grads: null tensor handle", Check.LastError(), StringComparison.Ordinal);
            Assert.Equal(IntPtr.Zero, grads[0]);
            Assert.NotEqual(0, NativeMethods.dd_tensor_clear_grads(h, 2));
            Assert.Contains("clear_grads: null tensor handle", Check.LastError(), StringComparison.Ordinal);
            Assert.NotEqual(0, NativeMethods.dd_tensor_grads(h, -1, g));
            Assert.NotEqual(0, NativeMethods.dd_tensor_grads(null, 1, g));
            Assert.NotEqual(0, NativeMethods.dd_tensor_grads(h, 1, null));
        }

        GC.KeepAlive(a);
        Assert.Equal(live, Engine.LiveTensors);
        Assert.NotNull(a.Grad); // the refused clear left the first gradient in place
    }

    // The previous Sgd.Step, parameter by parameter.
    private static void PerParameterStep(Tensor[] parameters, (int[] Members, double Lr, double Decay)[] groups, double momentum,
        bool nesterov, Dictionary<int, Tensor> buffers)
    {
        using var noGrad = Engine.NoGrad();
        foreach (var (members, lr, decay) in groups)
        {
            foreach (int k in members)
            {
                var p = parameters[k];
                Tensor? grad = p.Grad;
                if (grad is null)
                {
                    continue;
                }

                Tensor d = decay != 0 ? grad.Add(p, decay) : grad;
                if (momentum != 0)
                {
                    if (buffers.TryGetValue(k, out Tensor? buffer))
                    {
                        buffer.Mul_(momentum).Add_(d);
                    }
                    else
                    {
                        buffer = d.Clone();
                        buffers[k] = buffer;
                    }

                    d = nesterov ? d.Add(buffer, momentum) : buffer;
                }

                p.Add_(d, -lr);
            }
        }
    }

    private static void SameBits(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.AsSpan().SequenceEqual(actual.Shape), $"{what}: shape differs");
        float[] e = expected.Detach().Contiguous().ToArray<float>();
        float[] a = actual.Detach().Contiguous().ToArray<float>();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i]),
                $"{what}: element {i}: expected {e[i]:R}, got {a[i]:R}");
        }
    }
}
