using DynDet.Models.RoIHeads;
using DynDet.Tests.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models.RoIHeads;

public sealed class RoiLevelMapperTests : TorchTest
{
    [Fact]
    public void Levels_equal_mmdetection_and_torchvision_level_mapper()
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("levels");
        var boxes = f["boxes"];
        var rois = Tensor.Cat([Tensor.Zeros(boxes.Size(0), 1), boxes], 1);
        AssignFixtures.SameLongs(f["mm"], new RoiLevelMapper().Map(rois), "mmdetection, (R, 5) rois");
        AssignFixtures.SameLongs(f["mm"], new RoiLevelMapper().Map(boxes), "mmdetection, (R, 4) boxes");
        AssignFixtures.SameLongs(f["mm3"], new RoiLevelMapper { NumLevels = 3 }.Map(rois), "mmdetection, 3 levels");
        AssignFixtures.SameLongs(f["tv"], new RoiLevelMapper { Rule = RoiLevelRule.TorchVision }.Map(boxes), "torchvision");
    }

    [Theory]
    [InlineData(RoiLevelRule.MMDetection)]
    [InlineData(RoiLevelRule.TorchVision)]
    public void Square_rois_change_level_at_112_224_and_448(RoiLevelRule rule)
    {
        using var scope = Engine.NewDisposeScope();
        float[] sides = [10f, 111.9f, 112f, 223.9f, 224f, 447.9f, 448f, 3000f];
        var data = new float[sides.Length * 4];
        for (int i = 0; i < sides.Length; i++)
        {
            data[(4 * i) + 2] = sides[i];
            data[(4 * i) + 3] = sides[i];
        }

        var levels = new RoiLevelMapper { Rule = rule }.Map(Tensor.FromArray(data, sides.Length, 4));
        Assert.Equal([0L, 0, 1, 1, 2, 2, 3, 3], levels.ToArray<long>());
        Assert.Throws<ArgumentException>(() => new RoiLevelMapper().Map(Tensor.Zeros(2, 6)));
    }
}
