using DynDet.Models.RoIHeads;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Tests.Models.RoIHeads;

public sealed class RoiExtractorTests : TorchTest
{
    [Theory]
    [InlineData(0, true, RoiLevelRule.MMDetection)]
    [InlineData(2, false, RoiLevelRule.TorchVision)]
    public void Native_kernel_pools_and_backpropagates_exactly_as_torchvisions(int samplingRatio, bool aligned, RoiLevelRule rule)
    {
        using var scope = Engine.NewDisposeScope();
        Engine.ManualSeed(21);
        // P2–P5 of a 2-image 256² batch, and RoIs of every size (so every level is used), in image order.
        long[] sides = [64, 32, 16, 8];
        var features = sides.Select(s => Tensor.Randn(2, 16, s, s)).ToArray();
        var random = new Random(8);
        int count = 120;
        float[] data = new float[count * 5];
        for (int k = 0; k < count; k++)
        {
            double w = 4 + Math.Pow(random.NextDouble(), 2) * 300;
            double h = w * (0.5 + random.NextDouble());
            double x = random.NextDouble() * 256 - w / 3;
            double y = random.NextDouble() * 256 - h / 3;
            data[k * 5] = k < count / 2 ? 0 : 1;
            (data[k * 5 + 1], data[k * 5 + 2], data[k * 5 + 3], data[k * 5 + 4]) = ((float)x, (float)y, (float)(x + w), (float)(y + h));
        }

        var rois = Tensor.FromArray(data, count, 5);
        var mapper = new RoiLevelMapper { Rule = rule };
        var levels = mapper.Map(rois).ToArray<long>();
        Assert.True(levels.Distinct().Count() >= 3, "the RoIs should reach at least three levels");

        Tensor[] Run(RoiAlignImplementation implementation, out Tensor pooled)
        {
            var inputs = features.Select(f => f.Detach()).ToArray();
            foreach (var input in inputs)
            {
                input.RequiresGrad = true;
            }

            var extractor = new RoiExtractor([4, 8, 16, 32], 7, samplingRatio, aligned, mapper) { Implementation = implementation };
            pooled = extractor.Extract(inputs, rois);
            Engine.ManualSeed(5);
            pooled.Backward(Tensor.Randn(pooled.Shape));
            return inputs.Select(i => i.Grad ?? Tensor.ZerosLike(i)).ToArray();
        }

        var visionGrads = Run(RoiAlignImplementation.TorchVision, out var visionPooled);
        var nativeGrads = Run(RoiAlignImplementation.Native, out var nativePooled);
        TensorAssert.Close(visionPooled, nativePooled, 0, 0, "pooled features");
        for (int l = 0; l < sides.Length; l++)
        {
            TensorAssert.Close(visionGrads[l], nativeGrads[l], 0, 0, $"gradient of level {l}");
        }
    }
}
