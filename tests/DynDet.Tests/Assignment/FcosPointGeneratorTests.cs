using DynDet.Models.DenseHeads;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

public sealed class FcosPointGeneratorTests : TorchTest
{
    [Fact]
    public void Points_equal_mmdetection_fcos_get_points()
    {
        using var scope = Engine.NewDisposeScope();
        var f = OneStageFixtures.Load("fcos");
        long[] sizes = f["sizes"].ToArray<long>();
        int[] strides = OneStageFixtures.Ints(f["strides"]);
        for (int l = 0; l < strides.Length; l++)
        {
            TensorAssert.Close(f[$"points_{l}"], PointGenerator.SingleLevel(sizes[2 * l], sizes[(2 * l) + 1], strides[l]), 0, 0, $"level {l}");
        }

        TensorAssert.Close(f["points_odd"], PointGenerator.SingleLevel(3, 5, 5), 0, 0, "stride 5");
    }

    [Fact]
    public void Points_are_cell_corners_plus_half_the_stride_row_major()
    {
        using var scope = Engine.NewDisposeScope();
        Assert.Equal(new float[] { 4, 4, 12, 4, 20, 4, 4, 12, 12, 12, 20, 12 }, PointGenerator.SingleLevel(2, 3, 8).ToArray<float>());
        Assert.Equal(new float[] { 2, 2, 7, 2 }, PointGenerator.SingleLevel(1, 2, 5).ToArray<float>()); // ⌊5/2⌋ = 2
        var levels = PointGenerator.Points([(2, 2), (1, 1)], [8, 16], ScalarType.Float64);
        Assert.Equal([4.0, 4, 12, 4, 4, 12, 12, 12], levels[0].ToArray<double>());
        Assert.Equal([8.0, 8], levels[1].ToArray<double>());
        Assert.Equal([0L, 2], PointGenerator.SingleLevel(0, 3, 8).Shape);
    }
}
