using System.Text.Json;
using DynDet.Models.RoIHeads;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Cli;

/// <summary>
/// <c>dyndet predict --config</c> and <c>dyndet eval --config</c>: a config whose <c>load_from</c> names torchvision's
/// weights (tests/fixtures/gen_tv_e2e.py) predicts and evaluates without training, with torchvision's detections.
/// </summary>
public sealed class ConfigWeightsCliTests : TorchTest
{
    /// <summary>A config file: RetinaNet's torchvision preset on ResNet-18, 3 classes, at torchvision's (160, 224), with torchvision's weights.</summary>
    private static string ConfigFile(TempFolder folder, string weights = "tv_retinanet_r18.pth")
    {
        string path = folder.PathOf("tv_retinanet.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            _base_ = "retinanet_r50",
            load_from = TestPaths.Fixture("tv_e2e", weights),
            model = new { num_classes = 3, backbone = new { depth = 18 } },
            data = new { test_scale = new[] { 224, 160 }, images_per_batch = 1 },
        }));
        return path;
    }

    private static Dictionary<string, Tensor> Torchvision() => FixturePack.Load(TestPaths.Fixture("tv_e2e", "detections.pack"));

    [Fact]
    public void Predict_with_a_config_and_torchvisions_weights_writes_torchvisions_detections()
    {
        using var folder = new TempFolder();
        string output = folder.PathOf("out");
        var run = CliCapture.Run("predict", "--config", ConfigFile(folder), "--classes", "a,b,c", "--out", output, "--score-thr", "0",
            TestPaths.Fixture("tv_e2e", "exact.png"));
        Assert.True(run.ExitCode == 0, run.Error);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "exact.json")));
        var detections = doc.RootElement.GetProperty("detections").EnumerateArray().ToList();
        var found = new ImageDetections(0,
            detections.SelectMany(d => d.GetProperty("bbox").EnumerateArray().Select(v => v.GetSingle())).ToArray(),
            detections.Select(d => d.GetProperty("score").GetSingle()).ToArray(),
            detections.Select(d => d.GetProperty("label").GetInt64()).ToArray());
        string[] classes = ["a", "b", "c"];
        Assert.All(detections, d => Assert.Equal(classes[d.GetProperty("label").GetInt32()], d.GetProperty("class").GetString()));
        using var scope = Engine.NewDisposeScope();
        var t = Torchvision();
        var match = DetectionMatch.Of(t["retinanet.exact.boxes"], t["retinanet.exact.scores"], t["retinanet.exact.labels"], found);
        Assert.Equal(match.Expected, match.Actual);
        Assert.Equal(0, match.Unmatched);
        Assert.True(match.MaxBoxDifference <= 1e-3 && match.MaxScoreDifference <= 1e-5, match.ToString());
    }

    [Fact]
    public void Eval_with_a_config_evaluates_torchvisions_weights_with_the_datasets_classes()
    {
        using var folder = new TempFolder();
        string annotations = folder.PathOf("gt.json");
        File.WriteAllText(annotations, JsonSerializer.Serialize(new
        {
            images = new object[]
            {
                new { id = 1, file_name = "exact.png", width = 224, height = 160 },
                new { id = 2, file_name = "resized.png", width = 350, height = 250 },
            },
            categories = new object[] { new { id = 1, name = "a" }, new { id = 2, name = "b" }, new { id = 3, name = "c" } },
            annotations = new object[]
            {
                new { id = 1, image_id = 1, category_id = 1, bbox = new[] { 10.0, 10.0, 50.0, 40.0 }, area = 2000.0, iscrowd = 0 },
                new { id = 2, image_id = 2, category_id = 3, bbox = new[] { 100.0, 50.0, 80.0, 90.0 }, area = 7200.0, iscrowd = 0 },
            },
        }));
        string results = folder.PathOf("dt.json");
        var run = CliCapture.Run("eval", "--config", ConfigFile(folder), "--data", annotations,
            "--images", Path.GetDirectoryName(TestPaths.Fixture("tv_e2e", "exact.png"))!, "--out", results, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var metrics = JsonDocument.Parse(run.Output);
        Assert.Equal(["a", "b", "c"], metrics.RootElement.GetProperty("per_class").EnumerateObject().Select(p => p.Name));
        using var written = JsonDocument.Parse(File.ReadAllText(results));
        using var scope = Engine.NewDisposeScope();
        var t = Torchvision();
        foreach (var (image, id) in new[] { ("exact", 1), ("resized", 2) })
        {
            float[] expected = t[$"retinanet.{image}.scores"].ToArray<float>();
            float[] actual = written.RootElement.EnumerateArray().Where(d => d.GetProperty("image_id").GetInt32() == id)
                .Select(d => d.GetProperty("score").GetSingle()).OrderDescending().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5, $"{image}: {p.First} vs {p.Second}"));
        }
    }

    [Fact]
    public void Predict_needs_exactly_one_of_checkpoint_and_config()
    {
        var run = CliCapture.Run("predict", "--config", "retinanet_r50", "--checkpoint", "x.pth", TestPaths.Fixture("tv_e2e", "exact.png"));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: dyndet predict needs --checkpoint CKPT or --config NAME|FILE (with load_from), not both", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_needs_exactly_one_of_checkpoint_and_config()
    {
        var run = CliCapture.Run("eval", "--config", "retinanet_r50", "--checkpoint", "x.pth", "--data", "synthetic");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: dyndet eval --checkpoint CKPT needs --data SPEC, and --data SPEC needs --checkpoint CKPT or (instead) --config",
            run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_without_load_from_is_one_error_with_exit_2()
    {
        using var folder = new TempFolder();
        var run = CliCapture.Run("predict", "--config", "retinanet_r50", "--out", folder.PathOf("out"), TestPaths.Fixture("tv_e2e", "exact.png"));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: config retinanet_r50: load_from is not set", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.PathOf("out")));
    }

    [Fact]
    public void Weights_that_do_not_fit_the_config_exactly_are_refused_by_name_with_exit_2()
    {
        // torchvision's FCOS weights in RetinaNet's preset: backbone and FPN fit, the heads do not (missing and unexpected keys).
        using var folder = new TempFolder();
        var run = CliCapture.Run("predict", "--config", ConfigFile(folder, "tv_fcos_r18.pth"), "--out", folder.PathOf("out"),
            TestPaths.Fixture("tv_e2e", "exact.png"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not fit config", run.Error, StringComparison.Ordinal);
        Assert.Contains("missing in the file", run.Error, StringComparison.Ordinal);
        Assert.Contains("bbox_head.retina_cls.weight", run.Error, StringComparison.Ordinal);
        Assert.Contains("head.regression_head.bbox_ctrness.weight", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.PathOf("out")));
    }
}
