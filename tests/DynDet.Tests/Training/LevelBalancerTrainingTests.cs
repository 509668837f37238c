using System.Text.Json.Nodes;
using DynDet.Config;
using DynDet.Dynamic;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Training;
using DynDet.Training.Hooks;

namespace DynDet.Tests.Training;

/// <summary>
/// Level balancers (SPEC §7.1) in training: attached by config to the RPN, the R-CNN head and one-stage heads, at
/// weights 1 exactly the baseline, next to Dynamic R-CNN, in the progress line, <c>metrics.json</c> and checkpoints.
/// </summary>
public sealed class LevelBalancerTrainingTests : TorchTest
{
    private const string Pinned = "{\"method\":\"rlo\",\"interval\":2,\"actions\":[\"a3\"]}";

    private static readonly string[] RetinaTiny =
    [
        "model.backbone.width=0.25", "model.neck.out_channels=32", "model.bbox_head.feat_channels=32",
        "data.train_scales=[[128,128]]", "data.test_scale=[128,128]", "train.warmup_iters=2", "train.lr=0.01",
        "train.steps=[4]",
    ];

    private static string Train(DetectorConfig config)
    {
        string output = TinyTraining.TemporaryFolder();
        new Trainer(TinyTraining.Options(config, output)).Run();
        return output;
    }

    [Fact]
    public void Turned_off_or_pinned_to_a3_two_stage_training_is_bit_identical_to_the_baseline_and_avw_is_not()
    {
        string[] common = ["train.max_iters=5", "train.warmup_iters=2", "train.steps=[4]"];
        var folders = new List<string>();
        try
        {
            string baseline = Train(TinyTraining.Config("faster_rcnn_r18_cpu", common));
            folders.Add(baseline);
            string off = Train(TinyTraining.Config("faster_rcnn_r18_cpu_rlo", [.. common, "model.rpn.balancer=none", "model.roi_head.balancer=none"]));
            folders.Add(off);
            string pinned = Train(TinyTraining.Config("faster_rcnn_r18_cpu", [.. common, $"model.rpn.balancer={Pinned}", $"model.roi_head.balancer={Pinned}"]));
            folders.Add(pinned);
            string avw = Train(TinyTraining.Config("faster_rcnn_r18_cpu", [.. common,
                "model.rpn.balancer={\"method\":\"avw\",\"interval\":2}", "model.roi_head.balancer={\"method\":\"avw\",\"interval\":2}"]));
            folders.Add(avw);
            string latest = TrainingCheckpoint.LatestFile;
            CheckpointWeights.AssertSame(Path.Combine(baseline, latest), Path.Combine(off, latest));
            CheckpointWeights.AssertSame(Path.Combine(baseline, latest), Path.Combine(pinned, latest));
            // The pinned run did draw and update (two intervals), only always a3.
            var dynamic = JsonNode.Parse(File.ReadAllText(Path.Combine(pinned, "metrics.json")))!["dynamic"]!.AsArray();
            Assert.Equal([2L, 4L], dynamic.Where(e => (string)e!["strategy"]! == "rpn.rlo").Select(e => (long)e!["iter"]!));
            Assert.All(dynamic, e => Assert.Equal(3.0, (double)e!["action"]!));
            // AVW's weights leave 1 at iteration 2, so the weights after 5 iterations differ from the baseline's.
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => CheckpointWeights.AssertSame(Path.Combine(baseline, latest), Path.Combine(avw, latest)));
        }
        finally
        {
            folders.ForEach(f => Directory.Delete(f, recursive: true));
        }
    }

    [Fact]
    public void Pinned_to_a3_one_stage_training_is_bit_identical_to_the_baseline()
    {
        var folders = new List<string>();
        try
        {
            string baseline = Train(ConfigLoader.Load("retinanet_r18_cpu", [.. RetinaTiny, "train.max_iters=4"]));
            folders.Add(baseline);
            string pinned = Train(ConfigLoader.Load("retinanet_r18_cpu_rlo", [.. RetinaTiny, "train.max_iters=4", $"model.bbox_head.balancer={Pinned}"]));
            folders.Add(pinned);
            CheckpointWeights.AssertSame(Path.Combine(baseline, TrainingCheckpoint.LatestFile), Path.Combine(pinned, TrainingCheckpoint.LatestFile));
        }
        finally
        {
            folders.ForEach(f => Directory.Delete(f, recursive: true));
        }
    }

    [Fact]
    public void Dynamic_rcnn_with_balancers_on_rpn_and_roi_head_resumed_mid_interval_equals_an_uninterrupted_run()
    {
        string straight = TinyTraining.TemporaryFolder();
        string split = TinyTraining.TemporaryFolder();
        try
        {
            // Updates every 2 iterations for all four strategies: the checkpoint at 3 holds half-filled histories.
            string[] common =
            [
                "model.dynamic_rcnn.update_interval=2", "model.dynamic_rcnn.iou_topk=10", "train.warmup_iters=2", "train.steps=[4]",
                "model.rpn.balancer={\"method\":\"rlo\",\"interval\":2}", "model.roi_head.balancer={\"method\":\"avw\",\"interval\":2}",
            ];
            new Trainer(TinyTraining.Options(TinyTraining.Config("dynamic_rcnn_r18_cpu", [.. common, "train.max_iters=6"]), straight)).Run();
            new Trainer(TinyTraining.Options(TinyTraining.Config("dynamic_rcnn_r18_cpu", [.. common, "train.max_iters=3"]), split)).Run();
            new Trainer(TinyTraining.Options(TinyTraining.Config("dynamic_rcnn_r18_cpu", [.. common, "train.max_iters=6"]), split, resume: true)).Run();
            CheckpointWeights.AssertSame(Path.Combine(straight, TrainingCheckpoint.LatestFile), Path.Combine(split, TrainingCheckpoint.LatestFile));
            using var a = TorchSerializer.Load(Path.Combine(straight, TrainingCheckpoint.LatestFile));
            using var b = TorchSerializer.Load(Path.Combine(split, TrainingCheckpoint.LatestFile));
            var da = (PyDict)((PyDict)a.Root!)["dynamic"]!;
            var db = (PyDict)((PyDict)b.Root!)["dynamic"]!;
            Assert.Equal(new[] { "dla", "dsl", "roi_head.avw", "rpn.rlo" }, da.Keys.Cast<string>().Order(StringComparer.Ordinal));
            foreach (string name in da.Keys.Cast<string>())
            {
                var va = (PyDict)((PyDict)da[name]!)["values"]!;
                var vb = (PyDict)((PyDict)db[name]!)["values"]!;
                Assert.Equal(va.ToArray(), vb.ToArray());
            }

            var rlo = (PyDict)((PyDict)((PyDict)da["rpn.rlo"]!)["values"]!);
            Assert.Equal(3.0, Convert.ToDouble(rlo["t"], System.Globalization.CultureInfo.InvariantCulture));

            // metrics.json: every update of every balancer with its whole state, identical after the resume.
            JsonArray Updates(string folder, string strategy) => new([.. JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))!
                ["dynamic"]!.AsArray().Where(e => (string)e!["strategy"]! == strategy).Select(e => e!.DeepClone())]);
            foreach (string strategy in new[] { "rpn.rlo", "roi_head.avw" })
            {
                var updates = Updates(straight, strategy);
                Assert.Equal([2L, 4L, 6L], updates.Select(e => (long)e!["iter"]!));
                Assert.Equal(updates.ToJsonString(), Updates(split, strategy).ToJsonString());
            }

            var last = Updates(straight, "rpn.rlo")[^1]!.AsObject();
            foreach (string key in new[] { "t", "action", "reward", "p0", "p1", "p2", "p3", "w_p2", "w_p6", "sum_p2", "var_p2", "r_p2" })
            {
                Assert.True(last.ContainsKey(key), key);
            }

            var train = JsonNode.Parse(File.ReadAllText(Path.Combine(straight, "metrics.json")))!["train"]!.AsArray()[^1]!.AsObject();
            foreach (string key in new[] { "rpn.w_p2", "rpn.w_p6", "rpn.p0", "rpn.p3", "roi_head.w_p2", "roi_head.w_p5", "iou_threshold", "beta" })
            {
                Assert.True(train.ContainsKey(key), key);
            }
        }
        finally
        {
            Directory.Delete(straight, recursive: true);
            Directory.Delete(split, recursive: true);
        }
    }

    [Fact]
    public void Presets_attach_separate_instances_to_each_head_with_the_papers_defaults()
    {
        using (var built = DetectorFactory.Build(ConfigLoader.Load("faster_rcnn_r18_cpu_rlo"), ["a", "b"]))
        {
            var balancers = built.Strategies.OfType<LevelBalancer>().ToArray();
            Assert.Equal(["rpn.rlo", "roi_head.rlo"], balancers.Select(b => b.Name));
            Assert.Equal([5, 4], balancers.Select(b => b.Levels));
            Assert.Equal([2, 2], balancers.Select(b => b.FirstLevel));
            Assert.Equal([0.25, 0.25, 0.25, 0.25], balancers[0].Probabilities);
        }

        foreach (var (preset, name) in new[] { ("retinanet_r18_cpu_avw", "bbox_head.avw"), ("retinanet_r18_cpu_rlo", "bbox_head.rlo") })
        {
            using var built = DetectorFactory.Build(ConfigLoader.Load(preset), ["a", "b"]);
            var balancer = Assert.IsType<LevelBalancer>(Assert.Single(built.Strategies));
            Assert.Equal(name, balancer.Name);
            Assert.Equal((5, 3, 100), (balancer.Levels, balancer.FirstLevel, balancer.Interval));
        }

        Assert.Equal(LevelBalancerMethod.Avw, ((RetinaNetModelConfig)ConfigLoader.Load("retinanet_r50_fpn_1x_avw").Model).BboxHead.Balancer!.Method);
        AssertPaperDefaults(((RetinaNetModelConfig)ConfigLoader.Load("retinanet_r50_fpn_1x_avw").Model).BboxHead.Balancer!, LevelBalancerMethod.Avw);
        AssertPaperDefaults(((RetinaNetModelConfig)ConfigLoader.Load("retinanet_r50_fpn_1x_rlo").Model).BboxHead.Balancer!, LevelBalancerMethod.Rlo);
        AssertPaperDefaults(((FcosModelConfig)ConfigLoader.Load("fcos_r50_caffe_fpn_gn-head_1x_rlo").Model).BboxHead.Balancer!, LevelBalancerMethod.Rlo);
        var faster = (TwoStageModelConfig)ConfigLoader.Load("faster_rcnn_r50_fpn_1x_rlo").Model;
        AssertPaperDefaults(faster.Rpn.Balancer!, LevelBalancerMethod.Rlo);
        AssertPaperDefaults(faster.RoiHead.Balancer!, LevelBalancerMethod.Rlo);

        // The shorthand on the command line: the method with every default; none turns it off.
        var shorthand = (TwoStageModelConfig)ConfigLoader.Load("faster_rcnn_r18_cpu_rlo", ["model.rpn.balancer=avw", "model.roi_head.balancer=none"]).Model;
        AssertPaperDefaults(shorthand.Rpn.Balancer!, LevelBalancerMethod.Avw);
        Assert.Null(shorthand.RoiHead.Balancer);
    }

    /// <summary>SPEC §7.1's defaults: α 100, λ (1.5, 1.0), ε 1e-5, γ 0.01, bounds [0.1, 0.9], all four actions.</summary>
    private static void AssertPaperDefaults(LevelBalancerConfig c, LevelBalancerMethod method)
    {
        Assert.Equal(method, c.Method);
        Assert.Equal((100, 1e-5, 0.01), (c.Interval, c.Eps, c.RewardStep));
        Assert.Equal([1.5, 1.0], c.Amplification);
        Assert.Equal([0.1, 0.9], c.ProbabilityBounds);
        Assert.Equal([BalancerAction.A0, BalancerAction.A1, BalancerAction.A2, BalancerAction.A3], c.Actions);
    }

    [Fact]
    public void The_progress_line_shows_each_balancers_weights_and_rlos_probabilities()
    {
        using var built = DetectorFactory.Build(ConfigLoader.Load("faster_rcnn_r18_cpu", ["model.rpn.balancer=rlo", "model.roi_head.balancer=avw"]), ["a"]);
        string line = ProgressHook.Describe(new Dictionary<string, double> { ["loss"] = 1, ["loss_cls"] = 1 }, 0.01, built.Strategies);
        Assert.Contains("rpn.w_p2 1.000 rpn.w_p3 1.000 rpn.w_p4 1.000 rpn.w_p5 1.000 rpn.w_p6 1.000 rpn.p0 0.250 rpn.p1 0.250 rpn.p2 0.250 rpn.p3 0.250", line);
        Assert.Contains("roi_head.w_p2 1.000 roi_head.w_p3 1.000 roi_head.w_p4 1.000 roi_head.w_p5 1.000", line);
        Assert.DoesNotContain("roi_head.p0", line);
    }

    [Fact]
    public void The_weighting_back_propagates_each_level_at_its_weight_and_no_gradient_reaches_the_weights()
    {
        using var scope = Engine.NewDisposeScope();
        using var balancer = new LevelBalancer(new LevelBalancerConfig { Method = LevelBalancerMethod.Avw, Interval = 2 }, "bbox_head", 3, 3, 0);
        var weighting = new LevelBalancedLossWeighting([balancer]);
        var cls = Tensor.FromArray(new float[] { 1, 2, 4 }).RequiresGrad_();
        var box = Tensor.FromArray(new float[] { 0.5f, 0.25f, 2 }).RequiresGrad_();
        var other = Tensor.ScalarTensor(3.0f).RequiresGrad_();
        DetectorLosses Losses()
        {
            var terms = new Dictionary<string, Tensor> { ["loss_cls"] = cls.Sum(), ["loss_bbox"] = box.Sum(), ["loss_other"] = other * 1 };
            return new DetectorLosses(terms, terms.Values.Aggregate((a, b) => a + b))
            {
                Levels = new Dictionary<string, Tensor> { ["loss_cls"] = cls, ["loss_bbox"] = box },
                LevelGroups = new Dictionary<string, IReadOnlyList<string>> { ["bbox_head"] = ["loss_cls", "loss_bbox"] },
            };
        }

        // Weights 1: the detector's own total.
        var unit = Losses();
        Assert.Equal(unit.Total.ToSingle(), weighting.Weighted(unit).ToSingle());

        // One AVW interval: L = (1.5, 2.25, 6) then (3, 4.5, 12): 𝓛 = (4.5, 6.75, 18), Var = (1.125, 2.53125, 18), r = (−0.125, −1.53125, −17) / (1+ε).
        foreach (double f in new[] { 1.0, 2.0 })
        {
            using var statistics = new StepStatistics(1);
            using var half = Tensor.FromArray(new[] { 1.5 * f, 2.25 * f, 6 * f });
            statistics.Publish("bbox_head.level_losses", half);
            balancer.Observe(statistics);
            balancer.Synchronize(SingleProcessReducer.Instance);
            balancer.Update((long)f);
        }

        // Largest r: level 0 (λ 1.5), then 1 (λ 1.0); Σ𝓛 = 29.25.
        double[] w = [1 + 1.5 * 4.5 / 29.25, 1 + 1.0 * 6.75 / 29.25, 1];
        Assert.Equal(w, balancer.Weights);
        var losses = Losses();
        var total = weighting.Weighted(losses);
        total.Backward();
        Assert.Equal((float)((w[0] * 1.5) + (w[1] * 2.25) + (w[2] * 6) + 3), total.ToSingle(), 5);
        float[] wf = [.. w.Select(v => (float)v)];
        Assert.Equal(wf, cls.Grad!.ToArray<float>());
        Assert.Equal(wf, box.Grad!.ToArray<float>());
        Assert.Equal(1f, other.Grad!.ToSingle());
        Assert.False(balancer.WeightTensor(cls.Device, ScalarType.Float32).RequiresGrad);
    }
}
