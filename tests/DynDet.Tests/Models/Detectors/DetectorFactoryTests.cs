using DynDet.Config;
using DynDet.Dynamic;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models.Detectors;

/// <summary>The one factory: what it builds from a config, and what it refuses.</summary>
public sealed class DetectorFactoryTests : TorchTest
{
    private static readonly string[] Small = ["model.backbone.width=0.25", "model.neck.out_channels=16", "model.roi_head.fc_channels=32"];

    [Fact]
    public void Faster_rcnn_is_a_two_stage_detector_with_mmdetections_parameter_names_and_no_strategies()
    {
        using var built = DetectorFactory.Build(ConfigLoader.Load("faster_rcnn_r18_cpu", Small), ["a", "b"]);
        var model = Assert.IsType<TwoStageDetector>(built.Model);
        Assert.Empty(built.Strategies);
        Assert.Null(model.RoiHead.Steering);
        var prefixes = model.StateDict().Select(p => p.Key).Select(k => k.Split('.')[0]).Distinct().Order().ToArray();
        Assert.Equal(["backbone", "neck", "roi_head", "rpn_head"], prefixes);
        Assert.Same(model.Backbone, model.NamedChildren().Single(c => c.Key == "backbone").Value);
    }

    [Fact]
    public void Dynamic_rcnn_gets_dla_and_dsl_which_steer_its_rcnn_head()
    {
        using var built = DetectorFactory.Build(ConfigLoader.Load("dynamic_rcnn_r18_cpu", Small), ["a", "b"]);
        var model = Assert.IsType<TwoStageDetector>(built.Model);
        Assert.Equal(["dla", "dsl"], built.Strategies.Select(s => s.Name));
        var dla = Assert.IsType<DynamicLabelAssignment>(built.Strategies[0]);
        var dsl = Assert.IsType<DynamicSmoothL1>(built.Strategies[1]);
        // The head reads the strategies' current values: change them and the head follows.
        dla.LoadState(new StrategyState(new Dictionary<string, double> { ["iou_threshold"] = 0.63 }, new Dictionary<string, IReadOnlyList<double>>()));
        dsl.LoadState(new StrategyState(new Dictionary<string, double> { ["beta"] = 0.07 }, new Dictionary<string, IReadOnlyList<double>>()));
        Assert.Equal(0.63, model.RoiHead.IouThreshold);
        Assert.Equal(0.07, model.RoiHead.Beta);
    }

    [Fact]
    public void The_same_seed_builds_the_same_weights()
    {
        var config = ConfigLoader.Load("faster_rcnn_r18_cpu", Small);
        Engine.ManualSeed(7);
        using var a = DetectorFactory.CreateModel(config, ["a", "b"]);
        Engine.ManualSeed(7);
        using var b = DetectorFactory.CreateModel(config, ["a", "b"]);
        var sb = b.StateDict().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, tensor) in a.StateDict())
        {
            Assert.True(tensor.Equal(sb[name]), name);
        }
    }

    [Fact]
    public void A_num_classes_other_than_the_datas_is_refused_naming_both()
    {
        var config = ConfigLoader.Load("faster_rcnn_r18_cpu", [.. Small, "model.num_classes=3"]);
        var e = Assert.Throws<InputException>(() => DetectorFactory.Build(config, ["a", "b"]));
        Assert.Equal("config model.num_classes is 3 but the data has 2 classes (a, b); set it to 2 or 0 (take it from the data)", e.Message);
        using var matching = DetectorFactory.Build(config with { Model = config.Model with { NumClasses = 2 } }, ["a", "b"]);
        Assert.Equal(2, matching.Model.ClassNames.Count);
    }
}
