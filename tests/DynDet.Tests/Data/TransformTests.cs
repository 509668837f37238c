using DynDet.TestSupport;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Transforms;
using DynDet.Torch;

namespace DynDet.Tests.Data;

public sealed class TransformTests : TorchTest
{
    [Theory]
    // (w, h, long, short) -> (new w, new h): s = min(long / max(h, w), short / min(h, w)), int(x * s + 0.5).
    [InlineData(650, 417, 1333, 800, 1247, 800)]   // s = 800/417 = 1.918465; 650 s = 1247.002
    [InlineData(650, 417, 512, 320, 499, 320)]     // s = 320/417 = 0.767386; 650 s = 498.80
    [InlineData(275, 183, 1333, 800, 1202, 800)]   // s = 800/183 = 4.371585; 275 s = 1202.19
    [InlineData(333, 500, 1333, 800, 800, 1201)]   // portrait: s = 800/333 = 2.402402; 500 s = 1201.2
    [InlineData(2000, 500, 1333, 800, 1333, 333)]  // long side binds: s = 0.6665; 500 s = 333.25
    [InlineData(320, 320, 320, 320, 320, 320)]
    [InlineData(101, 51, 800, 1333, 1333, 673)]    // the pair's order does not matter; 51 s = 673.1
    public void RescaleSizeMatchesMmcv(int w, int h, int longEdge, int shortEdge, int expectedW, int expectedH)
    {
        var (nw, nh, _) = new ImageScale(longEdge, shortEdge).Apply(w, h);
        Assert.Equal((expectedW, expectedH), (nw, nh));
    }

    [Fact]
    public void ResizeScalesAndClipsBoxesWithPerAxisFactors()
    {
        var record = new DetectionRecord(7, "r", null, 650, 417,
            [new BoxAnnotation(80, 87, 521, 407, 0), new BoxAnnotation(-5, 10, 700, 50, 1), new BoxAnnotation(1, 2, 3, 4, 2, IsCrowd: true)]);
        var transform = new DetectionTransform(TransformOptions.Testing(ImageScale.Coco));
        TransformedImage t = transform.Apply(new RgbImage(650, 417), record, 3, new Pcg32(1));
        ImageMeta m = t.Meta;
        Assert.Equal((1247, 800, 1248, 800), (m.Width, m.Height, m.PadWidth, m.PadHeight));
        Assert.Equal((650, 417, 3, 7L, false), (m.OriginalWidth, m.OriginalHeight, m.Index, m.ImageId, m.Flipped));
        Assert.Equal(1247f / 650f, m.ScaleX, 6);
        Assert.Equal(800f / 417f, m.ScaleY, 6);
        // 80·1247/650, 87·800/417, 521·1247/650, 407·800/417; the second box is clipped to [0, 1247] × [0, 800].
        AssertBoxes([153.4769f, 166.9065f, 999.5185f, 780.8153f, 0f, 19.1847f, 1247f, 95.9233f], t.Boxes);
        Assert.Equal([0L, 1L], t.Labels);
        AssertBoxes([1.9185f, 3.8369f, 5.7554f, 7.6739f], t.IgnoreBoxes);
        Assert.Equal((1247, 800), (t.Image.Width, t.Image.Height));
    }

    [Fact]
    public void FlipMirrorsPixelsAndBoxes()
    {
        var image = new RgbImage(100, 40);
        image.Pixels[0] = 200;                 // pixel (0, 0) red
        image.Pixels[(40 * 100 - 1) * 3 + 2] = 100; // pixel (99, 39) blue
        var record = new DetectionRecord(1, "f", null, 100, 40, [new BoxAnnotation(10, 20, 30, 40, 0)]);
        var transform = new DetectionTransform(new TransformOptions { Scales = [new ImageScale(100, 40)], FlipProbability = 1 });
        TransformedImage t = transform.Apply(image, record, 0, new Pcg32(1));
        Assert.True(t.Meta.Flipped);
        Assert.Equal([70f, 20f, 90f, 40f], t.Boxes);   // x1' = W − x2, x2' = W − x1, no −1
        Assert.Equal(200, t.Image.Pixels[99 * 3]);
        Assert.Equal(100, t.Image.Pixels[(39 * 100) * 3 + 2]);
        Assert.Equal(0, image.Pixels[99 * 3]);          // the input is not modified

        var never = new DetectionTransform(new TransformOptions { Scales = [new ImageScale(100, 40)], FlipProbability = 0 });
        Assert.False(never.Apply(image, record, 0, new Pcg32(1)).Meta.Flipped);
        var half = new DetectionTransform(new TransformOptions { Scales = [new ImageScale(100, 40)] });
        int flips = Enumerable.Range(0, 400).Count(s => half.Apply(image, record, 0, new Pcg32((ulong)s)).Meta.Flipped);
        Assert.InRange(flips, 150, 250);
    }

    [Fact]
    public void MapsDetectionsBackToOriginalPixels()
    {
        var original = new[] { new BoxAnnotation(80, 87, 521, 407, 0), new BoxAnnotation(3.5f, 0, 649, 417, 0) };
        var record = new DetectionRecord(1, "m", null, 650, 417, original);
        foreach (bool flip in new[] { false, true })
        {
            var transform = new DetectionTransform(new TransformOptions { Scales = [new ImageScale(512, 320)], FlipProbability = flip ? 1 : 0 });
            TransformedImage t = transform.Apply(new RgbImage(650, 417), record, 0, new Pcg32(2));
            Assert.Equal(flip, t.Meta.Flipped);
            float[] boxes = (float[])t.Boxes.Clone();
            t.Meta.MapToOriginal(boxes);
            AssertBoxes(original.SelectMany(o => new[] { o.X1, o.Y1, o.X2, o.Y2 }).ToArray(), boxes, 1e-3f);

            using Tensor input = Tensor.FromArray(t.Boxes, 2, 4);
            using Tensor mapped = t.Meta.MapToOriginal(input);
            AssertBoxes(boxes, mapped.ToArray<float>(), 1e-5f);
        }
    }

    [Fact]
    public void ResizeMatchesTorchBilinear()
    {
        RgbImage photo = ImageCodec.Load(Fixtures.Image("raccoon-1").File);
        foreach (string name in new[] { "resize_499x320", "resize_1247x800", "resize_333x213" })
        {
            var (_, width, height, expected, _) = Fixtures.Image(name);
            RgbImage resized = ImageResizer.Resize(photo, width, height);
            int different = 0, max = 0;
            for (int k = 0; k < expected.Length; k++)
            {
                int d = Math.Abs(expected[k] - resized.Pixels[k]);
                different += d == 0 ? 0 : 1;
                max = Math.Max(max, d);
            }

            // torch rounds half to even and sums in a different order: off by one on rare ties only.
            Assert.True(max <= 1, $"{name}: max difference {max}");
            Assert.True(different < expected.Length / 1000, $"{name}: {different} of {expected.Length} values differ");
        }
    }

    [Fact]
    public void CollatePadsToThirtyTwoAndNormalises()
    {
        var a = new RgbImage(650, 417);
        a.Pixels.Fill(100);
        var b = new RgbImage(275, 183);
        b.Pixels.Fill(200);
        var transform = new DetectionTransform(TransformOptions.Testing(ImageScale.Coco));
        TransformedImage ta = transform.Apply(a, new DetectionRecord(1, "a", null, 650, 417, []), 0, new Pcg32(1));
        TransformedImage tb = transform.Apply(b, new DetectionRecord(2, "b", null, 275, 183, [new BoxAnnotation(1, 1, 5, 5, 0)]), 1, new Pcg32(1));
        using DetectionBatch batch = BatchCollator.Collate([ta, tb], transform.Options);
        Assert.Equal([2L, 3, 800, 1248], batch.Images.Shape);
        Assert.Equal((800, 1248), (batch.Height, batch.Width));
        Assert.Equal((1202, 800, 1216, 800), (tb.Meta.Width, tb.Meta.Height, tb.Meta.PadWidth, tb.Meta.PadHeight));
        float[] pixels = batch.Images.ToArray<float>();
        int plane = 800 * 1248;
        float[] mean = [123.675f, 116.28f, 103.53f], std = [58.395f, 57.12f, 57.375f];
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal((100 - mean[c]) / std[c], pixels[c * plane + 5 * 1248 + 1246], 5);  // inside image 0
            Assert.Equal(0f, pixels[c * plane + 5 * 1248 + 1247]);                          // image 0's padding
            Assert.Equal((200 - mean[c]) / std[c], pixels[(3 + c) * plane + 799 * 1248 + 1201], 5);
            Assert.Equal(0f, pixels[(3 + c) * plane + 799 * 1248 + 1202]);                  // image 1's padding
        }

        Assert.Equal([0L, 4], batch.Targets[0].Boxes.Shape);   // images without objects are fine
        Assert.Equal([0L], batch.Targets[0].Labels.Shape);
        Assert.Equal([1L, 4], batch.Targets[1].Boxes.Shape);
        Assert.Equal(ScalarType.Int64, batch.Targets[1].Labels.Dtype);
        Assert.Equal([0L, 4], batch.Targets[1].IgnoreBoxes.Shape);
    }

    [Fact]
    public void BatchTensorsEscapeTheCallersDisposeScope()
    {
        var transform = new DetectionTransform(TransformOptions.Testing(new ImageScale(64, 64)));
        TransformedImage t = transform.Apply(new RgbImage(64, 64), new DetectionRecord(1, "a", null, 64, 64, []), 0, new Pcg32(1));
        DetectionBatch batch;
        using (Engine.NewDisposeScope())
        {
            batch = BatchCollator.Collate([t], transform.Options);
        }

        Assert.False(batch.Images.IsDisposed);
        Assert.False(batch.Targets[0].Boxes.IsDisposed);
        batch.Dispose();
        Assert.True(batch.Images.IsDisposed);
    }

    [Fact]
    public void MultiScaleDrawsFromTheListOrTheRange()
    {
        var values = new DetectionTransform(new TransformOptions { Scales = [new(1333, 640), new(1333, 800)] });
        var seen = Enumerable.Range(0, 100).Select(s => values.ChooseScale(new Pcg32((ulong)s))).ToHashSet();
        Assert.Equal([new ImageScale(1333, 640), new ImageScale(1333, 800)], seen.OrderBy(s => s.ShortEdge));

        var range = new DetectionTransform(new TransformOptions
        {
            Scales = [new(1333, 640), new(1333, 800)],
            MultiScaleMode = MultiScaleMode.Range,
        });
        var shorts = Enumerable.Range(0, 300).Select(s => range.ChooseScale(new Pcg32((ulong)s))).ToList();
        Assert.All(shorts, s => Assert.Equal(1333, s.LongEdge));
        Assert.Equal(640, shorts.Min(s => s.ShortEdge));
        Assert.Equal(800, shorts.Max(s => s.ShortEdge));
        Assert.True(shorts.Select(s => s.ShortEdge).Distinct().Count() > 50);
    }

    private static void AssertBoxes(float[] expected, float[] actual, float tolerance = 1e-3f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= tolerance, $"value {k}: expected {expected[k]}, got {actual[k]}");
        }
    }
}
