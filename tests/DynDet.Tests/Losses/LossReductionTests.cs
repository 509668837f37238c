using DynDet.Losses;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Losses;

public sealed class LossReductionTests : TorchTest
{
    [Fact]
    public void Weights_broadcast_as_in_mmdetection()
    {
        using var scope = Engine.NewDisposeScope();
        var loss = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        TensorAssert.Close(Tensor.FromArray(new float[] { 0, 0, 0, 4, 5, 6 }, 2, 3),
            LossReduction.ApplyWeight(loss, Tensor.FromArray(new float[] { 0, 1 })), 0, 0, "one weight per row");
        TensorAssert.Close(Tensor.FromArray(new float[] { 1, 0, 3, 0, 5, 0 }, 2, 3),
            LossReduction.ApplyWeight(loss, Tensor.FromArray(new float[] { 1, 0, 1, 0, 1, 0 })), 0, 0, "flattened weights");
        TensorAssert.Close(loss, LossReduction.ApplyWeight(loss, null), 0, 0, "no weight");
        Assert.Throws<ArgumentException>(() => LossReduction.ApplyWeight(loss, Tensor.Ones(4)));
    }

    [Fact]
    public void Avg_factor_tensors_of_any_dtype_divide_on_the_device_and_keep_the_loss_dtype()
    {
        using var scope = Engine.NewDisposeScope();
        var loss = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var weight = Tensor.FromArray(new float[] { 1, 0.5f });
        const double expected = (6 + 0.5 * 15) / 3.0;
        foreach (var factor in new[]
                 {
                     Tensor.ScalarTensor(3, ScalarType.Float64), Tensor.ScalarTensor(3, ScalarType.Int64),
                     Tensor.FromArray(new float[] { 3 }),
                 })
        {
            var reduced = LossReduction.WeightReduce(loss, weight, factor);
            Assert.Empty(reduced.Shape);
            Assert.Equal(ScalarType.Float32, reduced.Dtype);
            Assert.Equal(expected, reduced.ToDouble(), 5);
        }

        Assert.Equal(expected, LossReduction.WeightReduce(loss, weight, 3.0).ToDouble(), 5);
        Assert.Equal((6 + 0.5 * 15) / 6.0, LossReduction.WeightReduce(loss, weight).ToDouble(), 5);
        Assert.Throws<ArgumentException>(() => LossReduction.WeightReduce(loss, weight, Tensor.Ones(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossReduction.WeightReduce(loss, weight, 0.0));
    }

    [Fact]
    public void Per_level_sums_split_the_reduced_loss_by_row()
    {
        using var scope = Engine.NewDisposeScope();
        var loss = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 4, 2);
        var ids = Tensor.FromArray(new long[] { 2, 0, 2, 0 });
        var weight = Tensor.FromArray(new float[] { 1, 1, 0, 1 });
        var levels = LossReduction.PerLevel(loss, weight, Tensor.ScalarTensor(2), ids, 3);
        TensorAssert.Close(Tensor.FromArray(new float[] { (7 + 15) / 2f, 0, 3 / 2f }), levels, 0, 1e-7);
        TensorAssert.Close(LossReduction.WeightReduce(loss, weight, 2.0), levels.Sum(), 0, 1e-7, "Σ levels");
        TensorAssert.Close(levels, LossReduction.PerLevel(loss, weight, 2.0, ids, 3), 0, 0, "double factor");
    }
}
