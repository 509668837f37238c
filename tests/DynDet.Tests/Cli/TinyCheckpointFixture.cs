using DynDet.Config;
using DynDet.Data.Coco;
using DynDet.Data.Synthetic;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Training;

namespace DynDet.Tests.Cli;

/// <summary>
/// A tiny untrained Faster R-CNN checkpoint (ResNet-18 at quarter width, 128 px, classes circle/rectangle/triangle)
/// and the synthetic data written to disk: <see cref="Annotations"/> (SyntheticWriter's instances.json) and
/// <see cref="RemappedAnnotations"/> (the same images with category ids 5, 9, 12 and every <c>area</c> halved, so the
/// label map and the file's own areas matter). Built once per test class: about a second.
/// </summary>
public sealed class TinyCheckpointFixture : IDisposable
{
    /// <summary>The classes of the checkpoint, by label.</summary>
    public static readonly string[] Classes = ["circle", "rectangle", "triangle"];

    private readonly TempFolder _folder = new();

    public TinyCheckpointFixture()
    {
        var dataset = new SyntheticDataset(SyntheticOptions.Parse("images=5,size=128,classes=3,seed=11"));
        Annotations = SyntheticWriter.Write(dataset, _folder.PathOf("data"), maxParallelism: 1);
        var original = CocoJsonReader.ReadDataset(Annotations);
        Images = original.Images.Select(image => Path.Combine(_folder.PathOf("data"), image.FileName!)).ToArray();
        Assert.All(Images, path => Assert.True(File.Exists(path), path));
        int[] ids = [5, 9, 12];
        var remapped = CocoDataset.Create(
            original.Images,
            original.Annotations.Select(a => a with { CategoryId = ids[original.Labels.LabelOf(a.CategoryId)], Area = a.Area / 2 }),
            original.Categories.Select(c => c with { Id = ids[original.Labels.LabelOf(c.Id)] }));
        RemappedAnnotations = Path.Combine(_folder.PathOf("data"), "remapped.json");
        CocoJsonWriter.WriteDataset(remapped, RemappedAnnotations);

        var config = ConfigLoader.Load("faster_rcnn_r18_cpu",
        [
            "model.backbone.width=0.25", "model.neck.out_channels=32", "model.roi_head.fc_channels=64",
            "data.train_scales=[[128,128]]", "data.test_scale=[128,128]", "data.workers=0",
        ]);
        Engine.ManualSeed(3);
        using (var model = DetectorFactory.CreateModel(config, Classes))
        {
            Checkpoint = _folder.PathOf("tiny.pth");
            TrainingCheckpoint.Save(Checkpoint, model, optimizer: null, iteration: 0);
        }

        Assert.Equal(0, Engine.LiveTensors);
    }

    /// <summary>The checkpoint file.</summary>
    public string Checkpoint { get; }

    /// <summary>The synthetic dataset's COCO annotation file (category ids 1, 2, 3).</summary>
    public string Annotations { get; }

    /// <summary>The same images with category ids 5, 9, 12 and halved areas.</summary>
    public string RemappedAnnotations { get; }

    /// <summary>The image files, in dataset order.</summary>
    public IReadOnlyList<string> Images { get; }

    /// <summary>A fresh folder for a test's outputs (deleted with the fixture).</summary>
    public string NewFolder()
    {
        string path = _folder.PathOf(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => _folder.Dispose();
}
