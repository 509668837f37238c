using DynDet.Config;
using DynDet.Data;
using DynDet.Models.DenseHeads;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Serialization;

namespace DynDet.Tests.Models;

/// <summary>
/// The ATSS head against MMDetection 2.x's <c>ATSSHead</c> transcribed in tests/fixtures/gen_atss.py: its layers and
/// parameter names, its anchors, its per-level losses (ATSS targets on each image's valid anchors, focal, GIoU weighted
/// by centerness, centerness BCE, and their normalisers) and its test-time detections (candidates by class score ×
/// centerness, threshold on the class score, NMS 0.6).
/// </summary>
public sealed class AtssParityTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];

    private static readonly (long, long)[] Sizes = [(12, 16), (6, 8), (3, 4), (2, 2), (1, 1)];

    private static Dictionary<string, Tensor> Load() => FixturePack.Load(TestPaths.Fixture("atss", "atss.pack"));

    private static Tensor[] Levels(Dictionary<string, Tensor> t, string prefix) =>
        Enumerable.Range(0, 5).Select(k => t[$"{prefix}.l{k}"]).ToArray();

    private static SingleStageDetector Model(params string[] overrides) =>
        (SingleStageDetector)DetectorFactory.CreateModel(ConfigLoader.Load("atss_r18_cpu",
        [
            "model.num_classes=3", "model.neck.out_channels=16", "model.bbox_head.feat_channels=32",
            "model.bbox_head.test.nms_pre=20", "model.bbox_head.test.max_per_image=30", .. overrides,
        ]), Classes);

    private static DetectionBatch Batch(Dictionary<string, Tensor> t, string scene, float scaleX = 1, float scaleY = 1) =>
        TestBatches.Make(96, 128, [t[$"{scene}.gt0"], t[$"{scene}.gt1"]], [t[$"{scene}.gl0"], t[$"{scene}.gl1"]],
            [((96, 128), (96, 128)), ((60, 70), (64, 72))], scaleX, scaleY);

    [Fact]
    public void The_head_has_mmdetections_parameter_names()
    {
        using var model = Model("model.bbox_head.stacked_convs=4");
        var names = model.Head.StateDict().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var expected = new HashSet<string>(StringComparer.Ordinal)
        {
            "atss_cls.weight", "atss_cls.bias", "atss_reg.weight", "atss_reg.bias", "atss_centerness.weight", "atss_centerness.bias",
        };
        for (int i = 0; i < 4; i++)
        {
            foreach (string tower in new[] { "cls_convs", "reg_convs" })
            {
                // MMCV's ConvModule with a norm has no conv bias (bias='auto').
                expected.Add($"{tower}.{i}.conv.weight");
                expected.Add($"{tower}.{i}.gn.weight");
                expected.Add($"{tower}.{i}.gn.bias");
            }
        }

        for (int l = 0; l < 5; l++)
        {
            expected.Add($"scales.{l}.scale");
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        using var scope = Engine.NewDisposeScope();
        var state = model.Head.StateDict().ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal([3L, 32, 3, 3], state["atss_cls.weight"].Shape);
        Assert.Equal([1L, 32, 3, 3], state["atss_centerness.weight"].Shape);
        Assert.Equal(Array.Empty<long>(), state["scales.0.scale"].Shape);
        // Init: prior probability 0.01 on the classifier's bias, N(0, 0.01) weights, scales 1.
        Assert.Equal(-Math.Log(99), state["atss_cls.bias"].ToArray<float>()[0], 5);
        Assert.True(state["cls_convs.0.conv.weight"].Std().ToSingle() is > 0.008f and < 0.012f);
        Assert.Equal(1f, state["scales.4.scale"].ToSingle());
    }

    [Fact]
    public void Forward_matches_mmdetections_forward_single_with_its_weights()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model("model.bbox_head.stacked_convs=2", "model.bbox_head.norm_groups=8");
        using (var weights = TorchSerializer.LoadStateDict(TestPaths.Fixture("atss", "atss_head.pth")))
        {
            model.Head.LoadStateDict(weights);
        }

        using var noGrad = Engine.NoGrad();
        var (logits, deltas, centerness) = ((AtssHead)model.Head).Forward(Levels(t, "fwd.x"));
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(t[$"fwd.cls.l{l}"], logits[l], 1e-5, 1e-5, $"class logits P{l + 3}");
            TensorAssert.Close(t[$"fwd.reg.l{l}"], deltas[l], 1e-5, 1e-5, $"deltas P{l + 3}");
            TensorAssert.Close(t[$"fwd.ctr.l{l}"], centerness[l], 1e-5, 1e-5, $"centerness P{l + 3}");
        }
    }

    [Fact]
    public void Anchors_are_one_square_of_eight_strides_centred_on_the_grid()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        var anchors = ((AtssHead)model.Head).Anchors(Sizes, (96, 128), Device.Cpu);
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(t[$"anchors.l{l}"], anchors[l], 0, 0, $"anchors P{l + 3}");
        }
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Per_level_losses_match_mmdetections_atss_head(string scene)
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        var head = (AtssHead)model.Head;
        using var batch = Batch(t, scene);
        var anchors = Levels(t, "anchors");
        var targets = head.Targets(anchors, Sizes, batch);
        Assert.Equal(t[$"{scene}.num_pos"].ToArray<long>()[0], targets.PosCount.Sum());
        var (cls, box, centerness) = head.Losses(Levels(t, $"{scene}.cls"), Levels(t, $"{scene}.reg"), Levels(t, $"{scene}.ctr"),
            anchors, Sizes, batch);
        Assert.Equal([5L], cls.Shape);
        TensorAssert.Close(t[$"{scene}.loss_cls"], cls, 1e-6, 1e-5, "loss_cls per level");
        TensorAssert.Close(t[$"{scene}.loss_bbox"], box, 1e-6, 1e-5, "loss_bbox per level");
        TensorAssert.Close(t[$"{scene}.loss_centerness"], centerness, 1e-6, 1e-5, "loss_centerness per level");
        foreach (var (name, levels) in new[] { ("loss_cls", cls), ("loss_bbox", box), ("loss_centerness", centerness) })
        {
            TensorAssert.Close(t[$"{scene}.{name}"].Sum().Reshape(1), levels.Sum().Reshape(1), 1e-6, 1e-5, $"{name} total");
        }
    }

    [Fact]
    public void Without_positives_the_box_and_centerness_terms_are_zero_and_still_reach_their_branches()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        var head = (AtssHead)model.Head;
        using var batch = TestBatches.Make(96, 128, [Tensor.Zeros([0, 4]), Tensor.Zeros([0, 4])],
            [Tensor.Zeros([0], ScalarType.Int64), Tensor.Zeros([0], ScalarType.Int64)]);
        var deltas = Levels(t, "a.reg").Select(d => d.Clone().RequiresGrad_()).ToArray();
        var centerness = Levels(t, "a.ctr").Select(c => c.Clone().RequiresGrad_()).ToArray();
        var (cls, box, ctr) = head.Losses(Levels(t, "a.cls"), deltas, centerness, Levels(t, "anchors"), Sizes, batch);
        Assert.Equal(0f, box.Abs().Sum().ToSingle());
        Assert.Equal(0f, ctr.Abs().Sum().ToSingle());
        Assert.True(cls.Sum().ToSingle() > 0);
        (box.Sum() + ctr.Sum()).Backward();
        Assert.NotNull(deltas[0].Grad);
        Assert.NotNull(centerness[4].Grad);
    }

    [Fact]
    public void Detections_match_mmdetections_get_bboxes_with_centerness_as_score_factor()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        using var batch = Batch(t, "a", scaleX: 0.5f, scaleY: 0.6f);
        var detections = ((AtssHead)model.Head).PostProcess(Levels(t, "a.cls"), Levels(t, "a.reg"), Levels(t, "anchors"), batch.Metas,
            Levels(t, "a.ctr"));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(t[$"det{i}.labels"].ToArray<long>(), detections[i].Labels);
            TensorAssert.Close(t[$"det{i}.scores"], Tensor.FromArray(detections[i].Scores), 1e-6, 1e-5, $"scores {i}");
            TensorAssert.Close(t[$"det{i}.boxes"], Tensor.FromArray(detections[i].Boxes, detections[i].Count, 4), 1e-4, 1e-5, $"boxes {i}");
        }
    }
}
