using DynDet.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

public sealed class FcosDistancePointBoxCoderTests : TorchTest
{
    [Fact]
    public void Encodes_and_decodes_like_mmdetection_distance_point_bbox_coder()
    {
        using var scope = Engine.NewDisposeScope();
        var f = OneStageFixtures.Load("coder");
        var coder = new DistancePointBoxCoder();
        TensorAssert.Close(f["decoded"], coder.Decode(f["points"], f["distances"]), 0, 0, "decode");
        TensorAssert.Close(f["decoded_clipped"], coder.Decode(f["points"], f["distances"], (320, 416)), 0, 0, "clipped decode");
        TensorAssert.Close(f["encoded"], coder.Encode(f["points"], f["boxes"]), 0, 0, "encode");
        TensorAssert.Close(f["encoded_max"], coder.Encode(f["points"], f["boxes"], 16.0), 0, 0, "encode with max distance");
        TensorAssert.Close(f["decoded"], new DistancePointBoxCoder(clipBorder: false).Decode(f["points"], f["distances"], (320, 416)),
            0, 0, "no clip_border");
    }

    [Fact]
    public void Decode_inverts_encode_and_clips_to_the_image()
    {
        using var scope = Engine.NewDisposeScope();
        var coder = new DistancePointBoxCoder();
        var point = Tensor.FromArray(new float[] { 10, 10 }, 1, 2);
        var distances = Tensor.FromArray(new float[] { 2, 3, 4, 5 }, 1, 4);
        var box = coder.Decode(point, distances);
        Assert.Equal(new float[] { 8, 7, 14, 15 }, box.ToArray<float>());
        Assert.Equal(new float[] { 2, 3, 4, 5 }, coder.Encode(point, box).ToArray<float>());
        Assert.Equal(new float[] { 8, 7, 13, 12 }, coder.Decode(point, distances, (12, 13)).ToArray<float>());
        Assert.Equal(new float[] { 2, 3, 3.9f, 3.9f }, coder.Encode(point, box, 4.0).ToArray<float>());
        Assert.Throws<ArgumentException>(() => coder.Decode(Tensor.Zeros(2, 2), distances));
    }
}
