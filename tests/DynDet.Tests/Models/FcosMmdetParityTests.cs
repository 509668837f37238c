using DynDet.Config;
using DynDet.Models.DenseHeads;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models;

/// <summary>
/// The MMDetection FCOS presets' head against a transcription of mmdet 2.x <c>FCOSHead.loss</c> (targets, focal / #pos,
/// centerness-weighted IoU or GIoU / Σ centerness, centerness BCE / #pos) and <c>_get_bboxes_single</c> +
/// <c>multiclass_nms</c> (tests/fixtures/gen_fcos.py) on a hand-made scene of two 96×128 images: the base config, the
/// tricks config and a batch without gts. Losses are compared per level.
/// </summary>
public sealed class FcosMmdetParityTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c", "d", "e"];
    private static readonly (long, long)[] Sizes = [(12, 16), (6, 8), (3, 4), (2, 2), (1, 1)];
    private static readonly string[] Small = ["model.num_classes=5", "model.backbone.depth=18", "model.backbone.width=0.25", "model.neck.out_channels=32", "model.bbox_head.feat_channels=32"];

    private static Dictionary<string, Tensor> Load() => FixturePack.Load(TestPaths.Fixture("fcos", "mm_fcos.pack"));

    private static Tensor[] Levels(Dictionary<string, Tensor> t, string prefix) =>
        Enumerable.Range(0, 5).Select(k => t[$"{prefix}.l{k}"]).ToArray();

    private static SingleStageDetector Model(string scene) => (SingleStageDetector)DetectorFactory.CreateModel(scene switch
    {
        "tricks" => ConfigLoader.Load("fcos_r50_caffe_fpn_gn-head_1x_tricks", Small),
        _ => ConfigLoader.Load("fcos_r50_caffe_fpn_gn-head_1x", [.. Small, "model.bbox_head.test.nms_pre=100", "model.bbox_head.test.max_per_image=50"]),
    }, Classes);

    [Theory]
    [InlineData("base")]
    [InlineData("tricks")]
    [InlineData("empty")]
    public void Losses_match_mmdet_fcos_head_loss_per_level(string scene)
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model(scene);
        var gts = scene == "empty" ? new[] { Tensor.Zeros([0, 4]), Tensor.Zeros([0, 4]) } : [t["gt0"], t["gt1"]];
        var labels = scene == "empty"
            ? new[] { Tensor.Zeros([0], ScalarType.Int64), Tensor.Zeros([0], ScalarType.Int64) }
            : [t["gl0"], t["gl1"]];
        using var batch = TestBatches.Make(96, 128, gts, labels);
        var head = (FcosHead)model.Head;
        var (cls, box, ctr) = head.Losses(Levels(t, $"{scene}.cls"), Levels(t, $"{scene}.reg"), Levels(t, $"{scene}.ctr"), Sizes, batch);
        TensorAssert.Close(t[$"{scene}.loss_cls.levels"], cls, 1e-6, 1e-5, "loss_cls per level");
        TensorAssert.Close(t[$"{scene}.loss_bbox.levels"], box, 1e-6, 1e-5, "loss_bbox per level");
        TensorAssert.Close(t[$"{scene}.loss_centerness.levels"], ctr, 1e-6, 1e-5, "loss_centerness per level");
        TensorAssert.Close(t[$"{scene}.loss_cls"], cls.Sum().Reshape(1), 1e-6, 1e-5, "loss_cls");
        TensorAssert.Close(t[$"{scene}.loss_bbox"], box.Sum().Reshape(1), 1e-6, 1e-5, "loss_bbox");
        TensorAssert.Close(t[$"{scene}.loss_centerness"], ctr.Sum().Reshape(1), 1e-6, 1e-5, "loss_centerness");
    }

    [Fact]
    public void Without_positives_the_box_and_centerness_terms_are_zeros_that_reach_their_branches()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model("base");
        using var batch = TestBatches.Make(96, 128, [Tensor.Zeros([0, 4]), Tensor.Zeros([0, 4])],
            [Tensor.Zeros([0], ScalarType.Int64), Tensor.Zeros([0], ScalarType.Int64)]);
        var distances = Levels(t, "empty.reg").Select(r => r.Alias().RequiresGrad_()).ToArray();
        var centerness = Levels(t, "empty.ctr").Select(c => c.Alias().RequiresGrad_()).ToArray();
        var (cls, box, ctr) = ((FcosHead)model.Head).Losses(Levels(t, "empty.cls"), distances, centerness, Sizes, batch);
        Assert.Equal(0f, box.Sum().ToSingle());
        Assert.Equal(0f, ctr.Sum().ToSingle());
        (box.Sum() + ctr.Sum()).Backward();
        Assert.NotNull(distances[0].Grad);
        Assert.NotNull(centerness[0].Grad);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("tricks")]
    public void Detections_match_mmdet_get_bboxes_with_centerness_as_score_factor(string scene)
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model(scene);
        using var batch = TestBatches.Make(96, 128, [t["gt0"], t["gt1"]], [t["gl0"], t["gl1"]]);
        var detections = ((FcosHead)model.Head).PostProcess(Levels(t, $"{scene}.cls"), Levels(t, $"{scene}.reg"),
            Levels(t, $"{scene}.ctr"), Sizes, (96, 128), batch.Metas);
        for (int i = 0; i < 2; i++)
        {
            var expectedScores = t[$"{scene}.det{i}.scores"];
            Assert.Equal(t[$"{scene}.det{i}.labels"].ToArray<long>(), detections[i].Labels);
            TensorAssert.Close(expectedScores, Tensor.FromArray(detections[i].Scores), 1e-6, 1e-5, $"scores {i}");
            TensorAssert.Close(t[$"{scene}.det{i}.boxes"], Tensor.FromArray(detections[i].Boxes, detections[i].Count, 4), 1e-4, 1e-5,
                $"boxes {i}");
        }
    }
}
