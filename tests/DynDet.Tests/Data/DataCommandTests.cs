using System.Text.Json;
using DynDet.Data;
using DynDet.Data.Synthetic;
using DynDet.TestSupport;

namespace DynDet.Tests.Data;

public sealed class DataCommandTests : TorchTest
{
    [Fact]
    public void InfoDescribesRaccoon()
    {
        var (exit, stdout, stderr) = CliCapture.Run("data", "info", TestPaths.Raccoon, "--split", "val", "--json");
        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(40, json.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(44, json.RootElement.GetProperty("per_class").GetProperty("raccoon").GetInt32());
    }

    [Fact]
    public void MalformedAnnotationExitsTwoNamingFileAndLine()
    {
        using var folder = VocDatasetTests.MiniVoc(out string root);
        string bad = VocDatasetTests.WriteXml(root, "b", "<annotation>\n<size><width>10</width>\n<object>\n</annotation>");
        var (exit, stdout, stderr) = CliCapture.Run("data", "info", root);
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        string line = Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.StartsWith($"error: annotation {bad} line ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedImageExitsTwoNamingTheFile()
    {
        using var folder = VocDatasetTests.MiniVoc(out string root);
        string image = Path.Combine(root, "JPEGImages", "a.jpg");
        File.WriteAllBytes(image, File.ReadAllBytes(image)[..2000]);
        var (exit, _, stderr) = CliCapture.Run("data", "bench", root, "--scale", "64,64", "--batch", "1", "--batches", "2", "--workers", "1");
        Assert.Equal(2, exit);
        string last = stderr.TrimEnd().Split('\n')[^1];
        Assert.StartsWith($"error: image {image}: ", last, StringComparison.Ordinal);
        Assert.Contains("truncated", last, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingImageExitsTwoNamingTheFile()
    {
        using var folder = VocDatasetTests.MiniVoc(out string root);
        string image = Path.Combine(root, "JPEGImages", "b.jpg");
        File.Delete(image);
        var (exit, _, stderr) = CliCapture.Run("data", "info", root);
        Assert.Equal(2, exit);
        Assert.StartsWith($"error: image {image}: file not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SynthWritesJpegOnRequest()
    {
        using var folder = new TempFolder();
        var (exit, _, stderr) = CliCapture.Run("data", "synth", "--out", folder.Path, "--images", "2", "--size", "64", "--format", "jpg");
        Assert.True(exit == 0, stderr);
        Assert.True(File.Exists(Path.Combine(folder.Path, "images", "synth_000001.jpg")));
        IDetectionDataset read = DatasetSpec.Open(Path.Combine(folder.Path, "instances.json"));
        var expected = new SyntheticDataset(new SyntheticOptions { Images = 2, Width = 64, Height = 64 });
        ReadOnlySpan<byte> a = expected.LoadImage(1).Pixels, b = read.LoadImage(1).Pixels;
        double error = 0;
        for (int k = 0; k < a.Length; k++)
        {
            error += Math.Abs(a[k] - b[k]);
        }

        Assert.True(error / a.Length < 6, $"mean absolute JPEG error {error / a.Length}");
    }

    [Fact]
    public void BadSpecsExitTwo()
    {
        foreach (string spec in new[] { "/nonexistent/voc", "synthetic:bogus=1", "synthetic:images=0" })
        {
            var (exit, _, stderr) = CliCapture.Run("data", "info", spec);
            Assert.Equal(2, exit);
            Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BenchRunsOnSyntheticData()
    {
        var (exit, stdout, stderr) = CliCapture.Run("data", "bench", "synthetic:images=8,size=64", "--scale", "64,64", "--batches", "3", "--json");
        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(6, json.RootElement.GetProperty("images").GetInt64());
        Assert.True(json.RootElement.GetProperty("images_per_second").GetDouble() > 0);
    }
}
