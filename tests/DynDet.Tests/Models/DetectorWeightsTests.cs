using System.Diagnostics;
using DynDet.Config;
using DynDet.Models.DenseHeads;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Tests.Training;
using DynDet.Training;

namespace DynDet.Tests.Models;

/// <summary>
/// Whole-detector weights in (<c>load_from</c>: torchvision state dicts and MMDetection model-zoo files, by name) and out
/// (<c>dyndet export --to torchvision</c>, checked by loading the file into torchvision's own model with strict=True).
/// </summary>
public sealed class DetectorWeightsTests : TorchTest
{
    private static readonly string[] Five = ["a", "b", "c", "d", "e"];

    private static DetectionModel Retina(IReadOnlyList<string> classes) =>
        DetectorFactory.CreateModel(ConfigLoader.Load("retinanet_r50", ["model.backbone.depth=18", "model.num_classes=0"]), classes);

    private static Dictionary<string, Tensor> Pack() => FixturePack.Load(TestPaths.Fixture("retinanet", "retinanet.pack"));

    /// <summary>The class logits of P3 for the fixture's images.</summary>
    private static Tensor P3Logits(DetectionModel model, Tensor images)
    {
        var detector = (SingleStageDetector)model;
        model.Eval();
        using var noGrad = Engine.NoGrad();
        return ((RetinaHead)detector.Head).Forward(detector.Features(images)).Logits[0];
    }

    [Fact]
    public void A_torchvision_retinanet_state_dict_loads_with_no_missing_or_unexpected_key_and_predicts_as_torchvision()
    {
        using var scope = Engine.NewDisposeScope();
        using var model = Retina(Five);
        var report = DetectorWeights.LoadFrom(model, TestPaths.Fixture("retinanet", "tv_retinanet_r18.pth"));
        Assert.Equal("torchvision", report.Naming);
        Assert.True(report.IsExact, string.Join("\n", report.Lines("tv")));
        var t = Pack();
        TensorAssert.Close(t["cls.l0"], P3Logits(model, t["images"]), 1e-4, 1e-4, "P3 class logits");
    }

    [Fact]
    public void An_mmdetection_model_zoo_file_loads_by_module_name_with_no_missing_or_unexpected_key()
    {
        using var scope = Engine.NewDisposeScope();
        using var model = Retina(Five);
        var report = DetectorWeights.LoadFrom(model, TestPaths.Fixture("retinanet", "mm_retinanet_r18.pth"));
        Assert.Equal("mmdetection", report.Naming);
        Assert.True(report.IsExact, string.Join("\n", report.Lines("mm")));
        var t = Pack();
        TensorAssert.Close(t["cls.l0"], P3Logits(model, t["images"]), 1e-4, 1e-4, "P3 class logits");
    }

    [Fact]
    public void A_torchvision_faster_rcnn_state_dict_loads_exactly_with_the_background_class_moved_last()
    {
        using var scope = Engine.NewDisposeScope();
        using var model = DetectorFactory.CreateModel(ConfigLoader.Load("fasterrcnn_r18", ["model.num_classes=5"]), Five);
        string path = TestPaths.Fixture("retinanet", "tv_fasterrcnn_r18.pth");
        var report = DetectorWeights.LoadFrom(model, path);
        Assert.True(report.IsExact, string.Join("\n", report.Lines("tv")));
        using var tv = TorchSerializer.LoadStateDict(path);
        var state = model.StateDict().ToDictionary(e => e.Key, e => e.Value);
        var cls = state["roi_head.bbox_head.fc_cls.weight"];
        var tvCls = tv["roi_heads.box_predictor.cls_score.weight"];
        Assert.True(cls.Narrow(0, 0, 5).Equal(tvCls.Narrow(0, 1, 5)), "foreground rows 0..4 = torchvision's 1..5");
        Assert.True(cls.Narrow(0, 5, 1).Equal(tvCls.Narrow(0, 0, 1)), "background row last = torchvision's first");
        Assert.True(state["roi_head.bbox_head.fc_reg.weight"].Equal(tv["roi_heads.box_predictor.bbox_pred.weight"].Narrow(0, 4, 20)),
            "class boxes without torchvision's background rows");
    }

    private static readonly string[] Three = ["a", "b", "c"];

    /// <summary>Loads <paramref name="file"/> (tests/fixtures/gen_tv_e2e.py) into <paramref name="preset"/> on ResNet-18 with 3 classes.</summary>
    private static (DetectionModel Model, WeightImportReport Report) LoadE2e(string preset, string file)
    {
        var model = DetectorFactory.CreateModel(ConfigLoader.Load(preset, ["model.backbone.depth=18", "model.num_classes=3"]), Three);
        return (model, DetectorWeights.LoadFrom(model, TestPaths.Fixture("tv_e2e", file)));
    }

    /// <summary>Every weight of <paramref name="model"/> equals the file's entry of the same name (an MMDetection-format file).</summary>
    private static void AssertEveryWeightIsTheFiles(DetectionModel model, string file)
    {
        using var checkpoint = TorchSerializer.Load(TestPaths.Fixture("tv_e2e", file));
        var stored = checkpoint.GetStateDict("state_dict");
        foreach (var (name, value) in model.StateDict())
        {
            Assert.True(value.Equal(stored[name]), $"{name} is the file's");
        }
    }

    [Fact]
    public void A_torchvision_fcos_state_dict_loads_with_no_missing_or_unexpected_key()
    {
        using var scope = Engine.NewDisposeScope();
        var (model, report) = LoadE2e("fcos_r50", "tv_fcos_r18.pth");
        using var owned = model;
        Assert.Equal("torchvision", report.Naming);
        Assert.True(report.IsExact, string.Join("\n", report.Lines("tv")));
        using var tv = TorchSerializer.LoadStateDict(TestPaths.Fixture("tv_e2e", "tv_fcos_r18.pth"));
        Assert.Equal(tv.Count, report.Loaded);
        var state = model.StateDict().ToDictionary(e => e.Key, e => e.Value);
        Assert.True(state["bbox_head.conv_centerness.weight"].Equal(tv["head.regression_head.bbox_ctrness.weight"]), "centerness");
        Assert.True(state["bbox_head.cls_convs.3.gn.bias"].Equal(tv["head.classification_head.conv.10.bias"]), "last GN of the class tower");
    }

    [Fact]
    public void An_mmdetection_fcos_file_loads_by_module_name_with_no_missing_or_unexpected_key()
    {
        // MMDetection's FCOS with the tricks' conv biases and centerness on the box tower: GN towers, a Scale per level,
        // and torch BatchNorm's num_batches_tracked in the backbone (ignored, as MMDetection's loader ignores nothing else).
        using var scope = Engine.NewDisposeScope();
        var (model, report) = LoadE2e("fcos_r50_caffe_fpn_gn-head_1x_tricks", "mm_fcos_r18.pth");
        using var owned = model;
        Assert.Equal("mmdetection", report.Naming);
        Assert.True(report.IsExact, string.Join("\n", report.Lines("mm")));
        AssertEveryWeightIsTheFiles(model, "mm_fcos_r18.pth");
    }

    [Fact]
    public void An_mmdetection_atss_file_loads_by_module_name_with_no_missing_or_unexpected_key()
    {
        using var scope = Engine.NewDisposeScope();
        var (model, report) = LoadE2e("atss_r50_fpn_1x", "mm_atss_r18.pth");
        using var owned = model;
        Assert.Equal("mmdetection", report.Naming);
        Assert.True(report.IsExact, string.Join("\n", report.Lines("mm")));
        AssertEveryWeightIsTheFiles(model, "mm_atss_r18.pth");
    }

    [Fact]
    public void Another_class_count_reinitialises_only_the_classifier_and_says_so()
    {
        using var scope = Engine.NewDisposeScope();
        using var model = Retina(["x", "y", "z"]);
        var initial = model.StateDict().First(e => e.Key == "bbox_head.retina_cls.weight").Value.Clone();
        var report = DetectorWeights.LoadFrom(model, TestPaths.Fixture("retinanet", "tv_retinanet_r18.pth"));
        Assert.Equal(["bbox_head.retina_cls.weight", "bbox_head.retina_cls.bias"], report.Reinitialised);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Empty(report.Mismatched);
        Assert.Contains(report.Lines("f"), l => l.Contains("re-initialised (another number of classes in the file)", StringComparison.Ordinal));
        var state = model.StateDict().ToDictionary(e => e.Key, e => e.Value);
        Assert.True(state["bbox_head.retina_cls.weight"].Equal(initial), "the classifier keeps its initialisation");
        using var tv = TorchSerializer.LoadStateDict(TestPaths.Fixture("retinanet", "tv_retinanet_r18.pth"));
        Assert.True(state["bbox_head.retina_reg.weight"].Equal(tv["head.regression_head.bbox_reg.weight"]), "the rest is loaded");
    }

    [Fact]
    public void A_file_with_no_matching_weight_is_one_error_naming_it()
    {
        using var folder = new TempFolder();
        string path = folder.PathOf("other.pth");
        using (var scope = Engine.NewDisposeScope())
        {
            TorchSerializer.SaveStateDict(path, [new("classifier.weight", Tensor.Zeros([2, 2]))]);
        }

        using var model = Retina(Five);
        var e = Assert.Throws<InputException>(() => DetectorWeights.LoadFrom(model, path));
        Assert.Equal($"load_from: {path} has no weight of this retinanet model (its first keys: classifier.weight)", e.Message);
    }

    [Fact]
    public void Training_with_load_from_logs_what_was_loaded_and_reinitialised()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            var log = new StringWriter();
            var config = ConfigLoader.Load("retinanet_r50", ["model.backbone.depth=18", "model.num_classes=0", "data.train_scales=[[128,128]]",
                "data.test_scale=[128,128]", "train.max_iters=1", "train.warmup_iters=1",
                $"load_from={TestPaths.Fixture("retinanet", "tv_retinanet_r18.pth")}"]);
            new Trainer(TinyTraining.Options(config, output) with { Log = log }).Run();
            string text = log.ToString();
            Assert.Contains("weights loaded (torchvision names)", text, StringComparison.Ordinal);
            Assert.Contains("re-initialised (another number of classes in the file): bbox_head.retina_cls.weight, bbox_head.retina_cls.bias",
                text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void An_exported_retinanet_loads_into_torchvisions_with_strict_true_and_its_head_outputs_are_dyndets()
    {
        using var folder = new TempFolder();
        string checkpoint = folder.PathOf("model.pth");
        string exported = folder.PathOf("tv.pth");
        string outputs = folder.PathOf("tv_outputs.pack");
        using var outer = Engine.NewDisposeScope();
        var t = Pack();
        using (var scope = Engine.NewDisposeScope())
        {
            // A DynDet model with its own random weights (not torchvision's), saved as `dyndet train` saves it.
            using var model = Retina(Five);
            TrainingCheckpoint.Save(checkpoint, model, null, 0);
        }

        var run = CliCapture.Run("export", "--to", "torchvision", checkpoint, exported);
        Assert.True(run.ExitCode == 0, run.Error);
        var python = Process.Start(new ProcessStartInfo("/usr/bin/python3",
            [Path.Combine(TestPaths.Repository, "tests", "fixtures", "check_torchvision_export.py"), exported,
                Path.GetDirectoryName(TestPaths.Fixture("retinanet", "retinanet.pack"))!, outputs])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        string errors = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, errors);
        var torchvision = FixturePack.Load(outputs);
        using var detector = Detector.Load(checkpoint);
        var dyndet = (SingleStageDetector)detector.Model;
        using var noGrad = Engine.NoGrad();
        var (logits, deltas) = ((RetinaHead)dyndet.Head).Forward(dyndet.Features(t["images"]));
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(torchvision[$"cls.l{l}"], logits[l], 1e-4, 1e-4, $"class logits P{l + 3}");
            TensorAssert.Close(torchvision[$"reg.l{l}"], deltas[l], 1e-4, 1e-4, $"deltas P{l + 3}");
        }
    }

    [Fact]
    public void Exporting_an_mmdetection_style_model_to_torchvision_is_refused_with_exit_2()
    {
        using var folder = new TempFolder();
        string checkpoint = folder.PathOf("model.pth");
        using (var scope = Engine.NewDisposeScope())
        {
            using var model = DetectorFactory.CreateModel(ConfigLoader.Load("retinanet_r18_cpu"), Five);
            TrainingCheckpoint.Save(checkpoint, model, null, 0);
        }

        var run = CliCapture.Run("export", "--to", "torchvision", checkpoint, folder.PathOf("tv.pth"));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {checkpoint}: a retinanet in MMDetection's style has no torchvision twin", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.PathOf("tv.pth")));
    }
}
