using System.Text.Json;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Synthetic;
using DynDet.TestSupport;

namespace DynDet.Tests.Data;

public sealed class SyntheticDatasetTests : TorchTest
{
    [Fact]
    public void SameSeedSamePixelsAndBoxes()
    {
        var options = new SyntheticOptions { Images = 6, Seed = 11 };
        var a = new SyntheticDataset(options);
        var b = new SyntheticDataset(options);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a.GetRecord(i).Objects, b.GetRecord(i).Objects);
            Assert.True(a.LoadImage(i).Pixels.SequenceEqual(b.LoadImage(i).Pixels));
        }

        // An image depends only on the seed and its index, not on how many images the dataset has.
        var longer = new SyntheticDataset(options with { Images = 9 });
        Assert.Equal(a.GetRecord(5).Objects, longer.GetRecord(5).Objects);
        Assert.True(a.LoadImage(5).Pixels.SequenceEqual(longer.LoadImage(5).Pixels));
    }

    [Fact]
    public void DifferentSeedsDiffer()
    {
        var a = new SyntheticDataset(new SyntheticOptions { Images = 3, Seed = 1 });
        var b = new SyntheticDataset(new SyntheticOptions { Images = 3, Seed = 2 });
        for (int i = 0; i < 3; i++)
        {
            Assert.NotEqual(a.GetRecord(i).Objects, b.GetRecord(i).Objects);
            Assert.False(a.LoadImage(i).Pixels.SequenceEqual(b.LoadImage(i).Pixels));
        }

        Assert.False(a.LoadImage(0).Pixels.SequenceEqual(a.LoadImage(1).Pixels));
    }

    [Fact]
    public void SizeClassesAndClassesAllOccurAndBoxesStayInside()
    {
        var data = new SyntheticDataset(new SyntheticOptions { Images = 300, Seed = 3 });
        var stats = DatasetStatistics.Of(data);
        Assert.Equal(300, stats.Images);
        Assert.True(stats.Small > 100 && stats.Medium > 100 && stats.Large > 50, $"small {stats.Small} medium {stats.Medium} large {stats.Large}");
        Assert.All(stats.PerClass, n => Assert.True(n > 50));
        Assert.Equal(6, data.CategoryNames.Count);
        for (int i = 0; i < data.Count; i++)
        {
            DetectionRecord r = data.GetRecord(i);
            Assert.Equal((320, 320), (r.Width, r.Height));
            Assert.InRange(r.Objects.Count, 1, 8);
            foreach (BoxAnnotation o in r.Objects)
            {
                Assert.True(o.X1 >= 0 && o.Y1 >= 0 && o.X2 <= 320 && o.Y2 <= 320 && o.X2 > o.X1 && o.Y2 > o.Y1, $"{o}");
                Assert.InRange(o.Label, 0, 5);
                Assert.False(o.IsIgnored);
            }
        }
    }

    [Theory]
    [InlineData(64, 64)]
    [InlineData(200, 96)]
    [InlineData(96, 300)]
    public void BoxesStayInsideImagesOfAnyShape(int width, int height)
    {
        var data = new SyntheticDataset(new SyntheticOptions { Images = 400, Seed = 9, Width = width, Height = height });
        for (int i = 0; i < data.Count; i++)
        {
            foreach (BoxAnnotation o in data.GetRecord(i).Objects)
            {
                Assert.True(o.X1 >= 0 && o.Y1 >= 0 && o.X2 <= width && o.Y2 <= height && o.X2 > o.X1 && o.Y2 > o.Y1, $"image {i}: {o}");
            }
        }
    }

    [Fact]
    public void BoxesAreTheTightBoxesOfWhatIsDrawn()
    {
        // One object, no sensor noise: the pixels that differ from the same image drawn without its object span
        // the annotated box to within the one-pixel anti-aliasing ramp.
        var data = new SyntheticDataset(new SyntheticOptions { Images = 12, Seed = 5, Noise = 0, MaxObjects = 1 });
        for (int i = 0; i < data.Count; i++)
        {
            BoxAnnotation box = Assert.Single(data.GetRecord(i).Objects);
            ReadOnlySpan<byte> pixels = data.LoadImage(i).Pixels;
            ReadOnlySpan<byte> background = data.LoadBackground(i).Pixels;
            int x1 = int.MaxValue, y1 = int.MaxValue, x2 = -1, y2 = -1;
            for (int y = 0; y < 320; y++)
            {
                for (int x = 0; x < 320; x++)
                {
                    int k = (y * 320 + x) * 3;
                    int d = Math.Abs(pixels[k] - background[k]) + Math.Abs(pixels[k + 1] - background[k + 1]) +
                        Math.Abs(pixels[k + 2] - background[k + 2]);
                    if (d > 3)
                    {
                        x1 = Math.Min(x1, x);
                        y1 = Math.Min(y1, y);
                        x2 = Math.Max(x2, x + 1);
                        y2 = Math.Max(y2, y + 1);
                    }
                }
            }

            // Changed pixels cover [x1, x2) in pixel units; the box edge lies within a pixel of their extent.
            Assert.InRange(box.X1, x1 - 0.5f, x1 + 1.01f);
            Assert.InRange(box.Y1, y1 - 0.5f, y1 + 1.01f);
            Assert.InRange(box.X2, x2 - 1.01f, x2 + 0.5f);
            Assert.InRange(box.Y2, y2 - 1.01f, y2 + 0.5f);
        }
    }

    [Fact]
    public void OptionsParseAndRejectBadValues()
    {
        var o = SyntheticOptions.Parse("images=12, seed=3,size=256,classes=4,max_objects=3,noise=2");
        Assert.Equal((12, 3UL, 256, 256, 4, 3, 2.0), (o.Images, o.Seed, o.Width, o.Height, o.Classes, o.MaxObjects, o.Noise));
        Assert.Equal(o, SyntheticOptions.Parse(o.ToSpec()["synthetic:".Length..]) with { MaxSize = o.MaxSize });
        Assert.Contains("unknown", Assert.Throws<InputException>(() => SyntheticOptions.Parse("colour=3")).Message, StringComparison.Ordinal);
        Assert.Contains("images", Assert.Throws<InputException>(() => SyntheticOptions.Parse("images=x")).Message, StringComparison.Ordinal);
        Assert.Contains("classes", Assert.Throws<InputException>(() => SyntheticOptions.Parse("classes=9")).Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => SyntheticOptions.Parse("size=16"));
        Assert.Throws<InputException>(() => SyntheticOptions.Parse("images"));
    }

    [Fact]
    public void WriterRoundTripsThroughCocoJsonAndPng()
    {
        using var folder = new TempFolder();
        var data = new SyntheticDataset(new SyntheticOptions { Images = 8, Seed = 4, Width = 200, Height = 160 });
        string json = SyntheticWriter.Write(data, folder.Path);
        Assert.Equal(Path.Combine(folder.Path, "instances.json"), json);
        AssertMatchesCocoFile(data, json);
    }

    [Fact]
    public void CommandWritesImagesAndInstances()
    {
        using var folder = new TempFolder();
        string output = Path.Combine(folder.Path, "out");
        var (exit, stdout, stderr) = CliCapture.Run("data", "synth", "--out", output, "--images", "5", "--seed", "9", "--size", "128", "--json");
        Assert.True(exit == 0, stderr);
        using var summary = JsonDocument.Parse(stdout);
        Assert.Equal(5, summary.RootElement.GetProperty("images").GetInt32());
        Assert.Contains("synth 5/5", stderr, StringComparison.Ordinal);
        var expected = new SyntheticDataset(new SyntheticOptions { Images = 5, Seed = 9, Width = 128, Height = 128 });
        AssertMatchesCocoFile(expected, Path.Combine(output, "instances.json"));

        (exit, _, stderr) = CliCapture.Run("data", "synth", "--out", output, "--options", "classes=12");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: synthetic data: classes", stderr, StringComparison.Ordinal);
        (exit, _, stderr) = CliCapture.Run("data", "synth", "--images", "3");
        Assert.Equal(2, exit);
        Assert.StartsWith("error:", stderr, StringComparison.Ordinal);
    }

    internal static void AssertMatchesCocoFile(SyntheticDataset data, string jsonPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(jsonPath));
        JsonElement root = document.RootElement;
        JsonElement[] images = [.. root.GetProperty("images").EnumerateArray()];
        JsonElement[] annotations = [.. root.GetProperty("annotations").EnumerateArray()];
        JsonElement[] categories = [.. root.GetProperty("categories").EnumerateArray()];
        Assert.Equal(data.Count, images.Length);
        Assert.Equal(data.CategoryNames, categories.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(Enumerable.Range(1, data.CategoryNames.Count).Select(i => (long)i), categories.Select(c => c.GetProperty("id").GetInt64()));
        string folder = Path.GetDirectoryName(jsonPath)!;
        int a = 0;
        var ids = new HashSet<long>();
        for (int i = 0; i < data.Count; i++)
        {
            DetectionRecord record = data.GetRecord(i);
            Assert.Equal(record.ImageId, images[i].GetProperty("id").GetInt64());
            Assert.Equal(record.Width, images[i].GetProperty("width").GetInt32());
            Assert.Equal(record.Height, images[i].GetProperty("height").GetInt32());
            string file = Path.Combine(folder, images[i].GetProperty("file_name").GetString()!);
            RgbImage decoded = ImageCodec.Load(file);
            Assert.True(data.LoadImage(i).Pixels.SequenceEqual(decoded.Pixels), $"pixels of {file}");
            foreach (BoxAnnotation o in record.Objects)
            {
                JsonElement ann = annotations[a++];
                Assert.True(ids.Add(ann.GetProperty("id").GetInt64()));
                Assert.Equal(record.ImageId, ann.GetProperty("image_id").GetInt64());
                Assert.Equal(o.Label + 1, ann.GetProperty("category_id").GetInt64());
                Assert.Equal(0, ann.GetProperty("iscrowd").GetInt32());
                float[] bbox = [.. ann.GetProperty("bbox").EnumerateArray().Select(v => v.GetSingle())];
                Assert.Equal(o.X1, bbox[0]);
                Assert.Equal(o.Y1, bbox[1]);
                Assert.Equal(o.X2, bbox[0] + bbox[2], 3);
                Assert.Equal(o.Y2, bbox[1] + bbox[3], 3);
                Assert.Equal((double)bbox[2] * bbox[3], ann.GetProperty("area").GetDouble(), 6);
            }
        }

        Assert.Equal(a, annotations.Length);
    }
}
