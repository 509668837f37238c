using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Synthetic;
using DynDet.Models.Detectors;
using DynDet.Pretraining;
using DynDet.TestSupport;
using DynDet.Tests.Training;
using DynDet.Torch;
using DynDet.Torch.Serialization;

namespace DynDet.Tests.Pretraining;

public sealed class BackbonePretrainerTests : TorchTest
{
    private static SyntheticDataset Data(ulong seed, int images) => new(new SyntheticOptions
    {
        Images = images, Seed = seed, Width = 128, Height = 128, Classes = 2, MinObjects = 1, MaxObjects = 3, MinSize = 24,
        MaxSize = 64,
    });

    [Fact]
    public void Object_crops_hold_an_object_of_their_label_with_context_and_background_crops_overlap_none_above_0_3()
    {
        var data = Data(3, 40);
        var options = new PretrainOptions { CropsPerImage = 6, BackgroundFraction = 0.3 };
        var sampler = new CropSampler(data, options);
        var rng = new Pcg32(5);
        int objects = 0, backgrounds = 0;
        for (int i = 0; i < data.Count; i++)
        {
            var record = data.GetRecord(i);
            var (boxes, labels) = sampler.Boxes(record, rng);
            Assert.Equal(options.CropsPerImage, labels.Length);
            for (int c = 0; c < labels.Length; c++)
            {
                float x1 = boxes[c * 4], y1 = boxes[c * 4 + 1], x2 = boxes[c * 4 + 2], y2 = boxes[c * 4 + 3];
                Assert.Equal(x2 - x1, y2 - y1, 3);
                if (labels[c] == sampler.BackgroundLabel)
                {
                    backgrounds++;
                    Assert.All(record.Objects, o => Assert.True(Iou(x1, y1, x2, y2, o) < CropSampler.BackgroundMaxIou));
                    continue;
                }

                objects++;
                // Some object of the crop's label has its centre inside and fits the crop's side (context ≥ 1).
                Assert.Contains(record.Objects, o => o.Label == labels[c] &&
                    (o.X1 + o.X2) / 2 > x1 && (o.X1 + o.X2) / 2 < x2 && (o.Y1 + o.Y2) / 2 > y1 && (o.Y1 + o.Y2) / 2 < y2 &&
                    Math.Max(o.Width, o.Height) <= x2 - x1 + 1e-3);
            }
        }

        // 30 % backgrounds asked for, of 240 crops.
        Assert.InRange(backgrounds, 40, 110);
        Assert.Equal(240, objects + backgrounds);
    }

    [Fact]
    public void Sample_stacks_every_images_crops_normalised_at_the_crop_size()
    {
        var data = Data(4, 6);
        var options = new PretrainOptions { CropsPerImage = 3, CropSize = 24 };
        using var scope = Engine.NewDisposeScope();
        var (crops, labels) = new CropSampler(data, options).Sample([0, 5, 2], new Pcg32(1));
        {
            Assert.Equal([9L, 3, 24, 24], crops.Shape);
            Assert.Equal([9L], labels.Shape);
            Assert.Equal(ScalarType.Int64, labels.Dtype);
            // ImageNet-normalised pixels lie within (0 - 123.675) / 58.395 and (255 - 103.53) / 57.375.
            Assert.InRange(crops.Min().ToDouble(), -2.2, 2.7);
            Assert.InRange(crops.Max().ToDouble(), -2.2, 2.7);
        }
    }

    [Fact]
    public void A_short_pretraining_beats_the_most_frequent_class_and_its_weights_load_as_the_detectors_backbone()
    {
        string folder = TinyTraining.TemporaryFolder();
        try
        {
            var options = new PretrainOptions
            {
                Backbone = new BackboneConfig { Depth = 18, Width = 0.125 },
                Iterations = 150, ImagesPerBatch = 4, CropsPerImage = 8, CropSize = 32, WarmupIterations = 10, LearningRate = 0.02,
                ValidationCrops = 256, Seed = 2,
            };
            var result = new BackbonePretrainer(options).Run(Data(1, 200), Data(2, 40), folder);
            Assert.Equal(["circle", "rectangle", "background"], result.Classes);
            Assert.True(result.ValAccuracy > result.ChanceAccuracy + 0.1,
                $"val accuracy {result.ValAccuracy:F3}, most frequent class {result.ChanceAccuracy:F3}, train accuracy {result.TrainAccuracy:F3}");

            var config = ConfigLoader.Load("faster_rcnn_r18_cpu", ["model.backbone.width=0.125", "model.backbone.weights=" + result.WeightsPath]);
            using var built = DetectorFactory.Build(config, ["circle", "rectangle"]);
            using var state = TorchSerializer.LoadStateDict(result.WeightsPath);
            var load = built.Model.Backbone.LoadStateDict(state, strict: false, source: result.WeightsPath);
            Assert.Empty(load.MissingKeys);
            Assert.Empty(load.ShapeMismatches);
            var conv1 = built.Model.Backbone.StateDict().Single(p => p.Key == "conv1.weight").Value;
            Assert.True(conv1.Equal(state["conv1.weight"]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_learning_rate_warms_up_linearly_then_decays_by_a_cosine_to_zero()
    {
        var pretrainer = new BackbonePretrainer(new PretrainOptions { Iterations = 110, WarmupIterations = 10, LearningRate = 0.1 });
        Assert.Equal(0.01, pretrainer.LearningRate(0), 12);
        Assert.Equal(0.01 + 0.09 * 5 / 10, pretrainer.LearningRate(5), 12);
        Assert.Equal(0.1, pretrainer.LearningRate(10), 12);
        Assert.Equal(0.05, pretrainer.LearningRate(60), 12);
        Assert.True(pretrainer.LearningRate(109) < 1e-4);
    }

    private static double Iou(float x1, float y1, float x2, float y2, BoxAnnotation o)
    {
        double iw = Math.Min(x2, o.X2) - Math.Max(x1, o.X1), ih = Math.Min(y2, o.Y2) - Math.Max(y1, o.Y1);
        double inter = iw > 0 && ih > 0 ? iw * ih : 0;
        return inter / ((x2 - x1) * (y2 - y1) + o.Area - inter);
    }
}
