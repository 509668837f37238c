using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Torch.Tests;

public sealed class TensorBasicsTests : TorchTest
{
    [Fact]
    public void Data_round_trips_with_shape_and_dtype()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(ScalarType.Float32, t.Dtype);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
        Assert.Equal(new long[] { 3, 1 }, t.Strides);
    }

    [Fact]
    public void Arithmetic_broadcasts_and_promotes_like_pytorch()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensor.FromArray(new long[] { 1, 2, 3 });
        Assert.Equal(ScalarType.Int64, (a + 1).Dtype);
        Assert.Equal(ScalarType.Float32, (a + 1.5).Dtype);
        var b = Tensor.FromArray(new float[] { 10, 20 }, 2, 1);
        var c = b + a.Float();
        Assert.Equal(new long[] { 2, 3 }, c.Shape);
        Assert.Equal(new float[] { 11, 12, 13, 21, 22, 23 }, c.ToArray<float>());
        Assert.Equal(new float[] { 9, 8, 7 }, (10 - a.Float()).ToArray<float>());
    }

    [Fact]
    public void Wrong_shape_raises_a_one_line_exception_naming_the_op_and_the_process_goes_on()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensor.Zeros(1, 3, 8, 8);
        var w = Tensor.Zeros(4, 5, 3, 3);
        var e = Assert.Throws<TorchException>(() => NN.Functional.Conv2d(x, w));
        Assert.StartsWith("aten::conv2d: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(e.Message.Length < 400, e.Message);
        // the next call works
        Assert.Equal(new long[] { 1, 4, 6, 6 }, NN.Functional.Conv2d(x, Tensor.Zeros(4, 3, 3, 3)).Shape);
    }

    [Fact]
    public void Dispose_scope_frees_what_it_owns_and_moves_results_out()
    {
        long before = Engine.LiveTensors;
        Tensor kept;
        using (var outer = Engine.NewDisposeScope())
        {
            using (var inner = Engine.NewDisposeScope())
            {
                var a = Tensor.Ones(3);
                var b = a * 2;
                kept = inner.MoveToOuter(b + 1);
                Assert.Equal(before + 3, Engine.LiveTensors);
            }

            Assert.Equal(before + 1, Engine.LiveTensors);
            Assert.False(kept.IsDisposed);
            Assert.Equal(new float[] { 3, 3, 3 }, kept.ToArray<float>());
        }

        Assert.True(kept.IsDisposed);
        Assert.Equal(before, Engine.LiveTensors);
    }

    [Fact]
    public void Scopes_must_end_in_reverse_order()
    {
        var outer = Engine.NewDisposeScope();
        var inner = Engine.NewDisposeScope();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
    }

    [Fact]
    public void Detached_tensor_outlives_its_scope()
    {
        Tensor t;
        using (Engine.NewDisposeScope())
        {
            t = Tensor.Ones(2).DetachFromDisposeScope();
        }

        Assert.False(t.IsDisposed);
        t.Dispose();
    }

    [Fact]
    public void Autograd_computes_gradients()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensor.FromArray(new float[] { 1, 2, 3 }).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward();
        Assert.Equal(new float[] { 2, 4, 6 }, x.Grad!.ToArray<float>());
        using (Engine.NoGrad())
        {
            Assert.False((x * 2).RequiresGrad);
        }

        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void Reductions_sort_and_select()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Tensor.FromArray(new float[] { 3, 1, 4, 1, 5, 9, 2, 6 });
        Assert.Equal(31, t.Sum().ToDouble());
        Assert.Equal(9, t.Max().ToDouble());
        var (values, indices) = t.TopK(3);
        Assert.Equal(new float[] { 9, 6, 5 }, values.ToArray<float>());
        Assert.Equal(new long[] { 5, 7, 4 }, indices.ToArray<long>());
        Assert.Equal(2, t.KthValue(3).Values.ToDouble());
        Assert.Equal(3, t.Median().ToDouble()); // lower median of 8 values
        var mask = t > 3.0;
        Assert.Equal(new float[] { 4, 5, 9, 6 }, t.MaskedSelect(mask).ToArray<float>());
        Assert.Equal(new long[] { 2, 4, 5, 7 }, mask.NonzeroFlat().ToArray<long>());
        Assert.Equal(new float[] { 4, 1 }, t.Index(Tensor.FromArray(new long[] { 2, 3 })).ToArray<float>());
        var parts = t.Split(3);
        Assert.Equal(3, parts.Length);
        Assert.Equal(new float[] { 2, 6 }, parts[2].ToArray<float>());
        Assert.Equal(new float[] { 3, 1, 4, 1, 5, 9, 2, 6, 2, 6 }, Tensor.Cat([t, parts[2]]).ToArray<float>());
    }

    [Fact]
    public void TorchVision_ops_are_reachable()
    {
        using var scope = Engine.NewDisposeScope();
        var boxes = Tensor.FromArray(new float[] { 0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30 }, 3, 4);
        var scores = Tensor.FromArray(new float[] { 0.9f, 0.8f, 0.7f });
        Assert.Equal(new long[] { 0, 2 }, NN.Functional.Nms(boxes, scores, 0.5).ToArray<long>());
    }
}
