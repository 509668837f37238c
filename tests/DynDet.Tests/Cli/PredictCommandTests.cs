using System.Text.Json;
using DynDet.Data.Images;
using DynDet.Models.RoIHeads;
using DynDet.TestSupport;
using DynDet.Visualization;

namespace DynDet.Tests.Cli;

/// <summary><c>dyndet predict</c> through the command-line entry point: JSON and PNG outputs, errors.</summary>
public sealed class PredictCommandTests(TinyCheckpointFixture tiny) : TorchTest, IClassFixture<TinyCheckpointFixture>
{
    private const double Threshold = 0.05;

    [Fact]
    public void Json_files_hold_the_detectors_detections_above_the_threshold_by_score()
    {
        string output = tiny.NewFolder();
        string[] images = [.. tiny.Images.Take(3)];
        var run = CliCapture.Run(["predict", "--checkpoint", tiny.Checkpoint, .. images, "--out", output, "--score-thr", "0.05"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, run.Output.Trim().Split('\n').Length);

        IReadOnlyList<ImageDetections> expected;
        using (var detector = Detector.Load(tiny.Checkpoint))
        {
            expected = detector.Predict(images);
        }

        int total = 0;
        for (int i = 0; i < images.Length; i++)
        {
            string name = Path.GetFileNameWithoutExtension(images[i]);
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, name + ".json")));
            var root = doc.RootElement;
            Assert.Equal(["image", "width", "height", "detections"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(images[i], root.GetProperty("image").GetString());
            Assert.Equal(128, root.GetProperty("width").GetInt32());
            Assert.Equal(128, root.GetProperty("height").GetInt32());
            var found = root.GetProperty("detections").EnumerateArray().ToArray();
            var want = expected[i];
            int[] kept = [.. Enumerable.Range(0, want.Count).Where(k => want.Scores[k] >= Threshold)];
            Assert.Equal(kept.Length, found.Length);
            for (int j = 0; j < found.Length; j++)
            {
                int k = kept[j];
                float[] bbox = [.. found[j].GetProperty("bbox").EnumerateArray().Select(v => v.GetSingle())];
                float[] xywh = [.. found[j].GetProperty("bbox_xywh").EnumerateArray().Select(v => v.GetSingle())];
                Assert.Equal(want.Boxes.AsSpan(4 * k, 4).ToArray(), bbox);
                Assert.Equal([bbox[0], bbox[1], bbox[2] - bbox[0], bbox[3] - bbox[1]], xywh);
                Assert.Equal(want.Scores[k], found[j].GetProperty("score").GetSingle());
                Assert.Equal(want.Labels[k], found[j].GetProperty("label").GetInt64());
                Assert.Equal(TinyCheckpointFixture.Classes[want.Labels[k]], found[j].GetProperty("class").GetString());
                if (j > 0)
                {
                    Assert.True(found[j - 1].GetProperty("score").GetSingle() >= found[j].GetProperty("score").GetSingle());
                }
            }

            total += found.Length;
        }

        Assert.True(total > 0, "no detection above 0.05: the comparison would be vacuous");
    }

    [Fact]
    public void Png_is_the_image_at_its_size_with_the_kept_detections_drawn()
    {
        string output = tiny.NewFolder();
        string image = tiny.Images[0];
        var run = CliCapture.Run("predict", "--checkpoint", tiny.Checkpoint, image, "--out", output, "--score-thr", "0.05");
        Assert.Equal(0, run.ExitCode);
        string name = Path.GetFileNameWithoutExtension(image);
        RgbImage drawn = ImageCodec.Load(Path.Combine(output, name + ".png"));
        RgbImage original = ImageCodec.Load(image);
        Assert.Equal((original.Width, original.Height), (drawn.Width, drawn.Height));

        ImageDetections found;
        using (var detector = Detector.Load(tiny.Checkpoint))
        {
            found = detector.Predict(image);
        }

        Assert.Contains(found.Scores, s => s >= Threshold);
        var expected = DetectionPainter.Draw(original, found, TinyCheckpointFixture.Classes, Threshold);
        Assert.True(expected.Pixels.SequenceEqual(drawn.Pixels), "the PNG is not the painter's drawing of the detections");
        Assert.False(original.Pixels.SequenceEqual(drawn.Pixels), "nothing was drawn");
    }

    [Fact]
    public void Default_output_folder_is_predictions_and_default_threshold_is_0_3()
    {
        string workDir = tiny.NewFolder();
        string old = Environment.CurrentDirectory;
        Environment.CurrentDirectory = workDir;
        try
        {
            var run = CliCapture.Run("predict", "--checkpoint", tiny.Checkpoint, tiny.Images[1], "--json");
            Assert.Equal(0, run.ExitCode);
            using var summary = JsonDocument.Parse(run.Output);
            Assert.Equal(0.3, summary.RootElement.GetProperty("score_thr").GetDouble());
            string name = Path.GetFileNameWithoutExtension(tiny.Images[1]);
            Assert.True(File.Exists(Path.Combine(workDir, "predictions", name + ".png")));
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(workDir, "predictions", name + ".json")));
            var scores = doc.RootElement.GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("score").GetDouble()).ToArray();
            Assert.Equal(summary.RootElement.GetProperty("images")[0].GetProperty("detections").GetInt32(), scores.Length);
            Assert.All(scores, s => Assert.True(s >= 0.3));
        }
        finally
        {
            Environment.CurrentDirectory = old;
        }
    }

    [Fact]
    public void Missing_image_is_one_error_line_naming_it_and_nothing_is_written()
    {
        string output = Path.Combine(tiny.NewFolder(), "out");
        string missing = Path.Combine(tiny.NewFolder(), "nope.jpg");
        var run = CliCapture.Run("predict", "--checkpoint", tiny.Checkpoint, tiny.Images[0], missing, "--out", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: image {missing}: file not found", run.Error.Trim());
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Corrupt_image_is_one_error_line_naming_it()
    {
        string folder = tiny.NewFolder();
        string corrupt = Path.Combine(folder, "corrupt.png");
        File.WriteAllBytes(corrupt, [.. File.ReadAllBytes(tiny.Images[0]).Take(200)]);
        var run = CliCapture.Run("predict", "--checkpoint", tiny.Checkpoint, corrupt, "--out", Path.Combine(folder, "out"));
        Assert.Equal(2, run.ExitCode);
        string line = Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith($"error: image {corrupt}: ", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void Threshold_outside_0_1_is_bad_input(string threshold)
    {
        var run = CliCapture.Run("predict", "--checkpoint", tiny.Checkpoint, tiny.Images[0], "--score-thr", threshold, "--out", tiny.NewFolder());
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: --score-thr {threshold} is out of range (must be in [0, 1]) (see --help)", run.Error.Trim());
    }

    [Fact]
    public void Two_images_with_the_same_name_are_bad_input()
    {
        string other = Path.Combine(tiny.NewFolder(), Path.GetFileName(tiny.Images[0]));
        File.Copy(tiny.Images[0], other);
        var run = CliCapture.Run("predict", "--checkpoint", tiny.Checkpoint, tiny.Images[0], other, "--out", tiny.NewFolder());
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: images {tiny.Images[0]} and {other} would both write", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_checkpoint_or_images_it_is_a_usage_error()
    {
        Assert.Equal(2, CliCapture.Run("predict", tiny.Images[0]).ExitCode);
        Assert.Equal(2, CliCapture.Run("predict", "--checkpoint", tiny.Checkpoint).ExitCode);
    }
}
