using DynDet.Config;
using DynDet.Models.DenseHeads;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.Serialization;

namespace DynDet.Tests.Models;

/// <summary>
/// The torchvision-style FCOS preset (<c>fcos_r50</c>, here on ResNet-18 with 5 classes) against torchvision's own FCOS
/// built as peer_bench.py builds it (tests/fixtures/gen_fcos.py): torchvision's weights load by name with no key left
/// over, and the head's outputs, points (anchor centres), losses (its matcher, focal, GIoU, centerness) and
/// post-processed detections match.
/// </summary>
public sealed class FcosTorchVisionParityTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c", "d", "e"];
    private static readonly (long, long)[] Sizes = [(12, 16), (6, 8), (3, 4), (2, 2), (1, 1)];

    private static Dictionary<string, Tensor> Load() => FixturePack.Load(TestPaths.Fixture("fcos", "tv_fcos.pack"));

    private static Tensor[] Levels(Dictionary<string, Tensor> t, string prefix) =>
        Enumerable.Range(0, 5).Select(k => t[$"{prefix}.l{k}"]).ToArray();

    /// <summary>The preset with torchvision's weights loaded by name; every torchvision key is used.</summary>
    private static SingleStageDetector TorchVisionModel()
    {
        var config = ConfigLoader.Load("fcos_r50", ["model.backbone.depth=18", "model.num_classes=5"]);
        var model = (SingleStageDetector)DetectorFactory.CreateModel(config, Classes);
        try
        {
            using var scope = Engine.NewDisposeScope();
            using var torchvision = TorchSerializer.LoadStateDict(TestPaths.Fixture("fcos", "tv_fcos_r18.pth"));
            var mapped = new Dictionary<string, Tensor>();
            foreach (var (name, _) in model.StateDict())
            {
                string? tvName = TorchVisionNames.FcosToTorchVision(name, backboneLevels: 3);
                Assert.NotNull(tvName);
                Assert.True(torchvision.ContainsKey(tvName), $"{name} -> {tvName} is not in torchvision's state_dict");
                mapped[name] = torchvision[tvName];
            }

            Assert.Equal(torchvision.Count, mapped.Count);
            model.LoadStateDict(mapped);
            model.Eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    [Fact]
    public void Torchvision_weights_load_by_name_and_the_head_outputs_match()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = TorchVisionModel();
        using var noGrad = Engine.NoGrad();
        var head = (FcosHead)model.Head;
        Assert.DoesNotContain(model.StateDict(), p => p.Key.Contains("scales", StringComparison.Ordinal));
        var (logits, distances, centerness) = head.Forward(model.Features(t["images"]));
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(t[$"cls.l{l}"], logits[l], 1e-4, 1e-4, $"class logits P{l + 3}");
            TensorAssert.Close(t[$"reg.l{l}"], distances[l], 1e-4, 1e-4, $"distances P{l + 3}");
            TensorAssert.Close(t[$"ctr.l{l}"], centerness[l], 1e-4, 1e-4, $"centerness P{l + 3}");
        }
    }

    [Fact]
    public void Points_are_torchvisions_anchor_centres_with_strides_from_the_image_and_map_sizes()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = TorchVisionModel();
        var points = ((FcosHead)model.Head).Points(Sizes, (96, 128), Device.Cpu);
        for (int l = 0; l < 5; l++)
        {
            var anchors = t[$"anchors.l{l}"];
            var centres = (anchors.Narrow(1, 0, 2) + anchors.Narrow(1, 2, 2)) / 2;
            TensorAssert.Close(centres, points[l], 0, 0, $"points P{l + 3}");
            TensorAssert.Close(anchors.Narrow(1, 2, 1) - anchors.Narrow(1, 0, 1),
                Tensor.Full([anchors.Size(0), 1], ((FcosHead)model.Head).DistanceUnit(l)), 0, 0, $"anchor sizes P{l + 3}");
        }
    }

    [Fact]
    public void Losses_match_torchvisions_compute_loss()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = TorchVisionModel();
        using var batch = TestBatches.Make(96, 128, [t["gt0"], t["gt1"]], [t["gl0"], t["gl1"]]);
        var (cls, box, ctr) = ((FcosHead)model.Head).Losses(Levels(t, "cls"), Levels(t, "reg"), Levels(t, "ctr"), Sizes, batch);
        Assert.Equal([5L], cls.Shape);
        TensorAssert.Close(t["loss_cls"], cls.Sum().Reshape(1), 1e-6, 1e-5, "classification");
        TensorAssert.Close(t["loss_bbox"], box.Sum().Reshape(1), 1e-6, 1e-5, "bbox_regression");
        TensorAssert.Close(t["loss_centerness"], ctr.Sum().Reshape(1), 1e-6, 1e-5, "bbox_ctrness");
    }

    [Fact]
    public void Detections_match_torchvisions_postprocess()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Load();
        using var model = TorchVisionModel();
        using var batch = TestBatches.Make(96, 128, [t["gt0"], t["gt1"]], [t["gl0"], t["gl1"]]);
        var detections = ((FcosHead)model.Head).PostProcess(Levels(t, "cls"), Levels(t, "reg"), Levels(t, "ctr"), Sizes, (96, 128),
            batch.Metas);
        for (int i = 0; i < 2; i++)
        {
            var expectedScores = t[$"det{i}.scores"];
            Assert.True(expectedScores.Size(0) > 10, $"image {i}: the fixture should have detections, has {expectedScores.Size(0)}");
            Assert.Equal(t[$"det{i}.labels"].ToArray<long>(), detections[i].Labels);
            TensorAssert.Close(expectedScores, Tensor.FromArray(detections[i].Scores), 1e-6, 1e-5, $"scores {i}");
            TensorAssert.Close(t[$"det{i}.boxes"], Tensor.FromArray(detections[i].Boxes, detections[i].Count, 4), 1e-4, 1e-5, $"boxes {i}");
        }
    }
}
