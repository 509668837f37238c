using DynDet.Config;
using DynDet.Models.DenseHeads;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models;

/// <summary>
/// The MMDetection-style RetinaNet head against mmdet v2's AnchorHead loss and RetinaHead post-processing transcribed in
/// tests/fixtures/gen_retinanet_mm.py: anchors, per-level focal and L1 losses with valid flags and
/// avg_factor = Σ max(#pos, 1), an image without gts, and the test-time candidates, decoding and NMS.
/// </summary>
public sealed class RetinaNetMmdetParityTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];
    private static readonly (long, long)[] Sizes = [(8, 8), (4, 4), (2, 2), (1, 1), (1, 1)];

    private static SingleStageDetector Model() => (SingleStageDetector)DetectorFactory.CreateModel(ConfigLoader.Load("retinanet_r18_cpu",
        ["model.neck.out_channels=16", "model.bbox_head.feat_channels=16", "model.bbox_head.test.nms_pre=50"]), Classes);

    private static Dictionary<string, Tensor> Load() => FixturePack.Load(TestPaths.Fixture("retinanet", "mm_retinanet.pack"));

    private static Tensor[] Levels(Dictionary<string, Tensor> t, string prefix) =>
        Enumerable.Range(0, 5).Select(k => t[$"{prefix}.l{k}"]).ToArray();

    private static DynDet.Data.DetectionBatch Batch(Dictionary<string, Tensor> t, string scene) => scene == "padded"
        ? TestBatches.Make(64, 64, [t["padded.gt0"], t["padded.gt1"]], [t["padded.gl0"], t["padded.gl1"]],
            [((64, 64), (64, 64)), ((60, 30), (64, 32))])
        : TestBatches.Make(64, 64, [t["empty.gt0"], t["empty.gt1"]], [t["empty.gl0"], t["empty.gl1"]]);

    [Fact]
    public void Anchors_are_mmdetections_octave_anchors()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        var anchors = ((RetinaHead)model.Head).Anchors(Sizes, (64, 64), Device.Cpu);
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(t[$"anchors.l{l}"], anchors[l], 1e-5, 0, $"anchors P{l + 3}");
        }
    }

    [Theory]
    [InlineData("padded")]
    [InlineData("empty")]
    public void Per_level_losses_match_with_valid_flags_and_the_average_factor(string scene)
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        using var batch = Batch(t, scene);
        var (cls, box) = ((RetinaHead)model.Head).Losses(Levels(t, $"{scene}.cls"), Levels(t, $"{scene}.reg"), Levels(t, "anchors"), Sizes, batch);
        TensorAssert.Close(t[$"{scene}.loss_cls"], cls, 1e-6, 1e-5, "loss_cls per level");
        TensorAssert.Close(t[$"{scene}.loss_bbox"], box, 1e-6, 1e-5, "loss_bbox per level");
    }

    [Theory]
    [InlineData("padded")]
    [InlineData("empty")]
    public void Detections_match_mmdetections_top_anchors_decode_and_multiclass_nms(string scene)
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = Model();
        using var batch = Batch(t, scene);
        var detections = ((RetinaHead)model.Head).PostProcess(Levels(t, $"{scene}.cls"), Levels(t, $"{scene}.reg"), Levels(t, "anchors"), batch.Metas);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(t[$"{scene}.det{i}.scores"].Size(0) > 10, "the fixture should have detections");
            Assert.Equal(t[$"{scene}.det{i}.labels"].ToArray<long>(), detections[i].Labels);
            TensorAssert.Close(t[$"{scene}.det{i}.scores"], Tensor.FromArray(detections[i].Scores), 1e-6, 1e-5, $"scores {i}");
            TensorAssert.Close(t[$"{scene}.det{i}.boxes"], Tensor.FromArray(detections[i].Boxes, detections[i].Count, 4), 1e-4, 1e-5, $"boxes {i}");
        }
    }
}
