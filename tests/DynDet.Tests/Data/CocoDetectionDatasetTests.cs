using DynDet.Data;
using DynDet.Data.Coco;
using DynDet.Data.Synthetic;
using DynDet.Data.Voc;
using DynDet.TestSupport;

namespace DynDet.Tests.Data;

public sealed class CocoDetectionDatasetTests : TorchTest
{
    [Fact]
    public void SyntheticDataRoundTripsThroughTheSpec()
    {
        using var folder = new TempFolder();
        var data = new SyntheticDataset(new SyntheticOptions { Images = 6, Seed = 8, Width = 120, Height = 96 });
        string json = SyntheticWriter.Write(data, folder.Path);
        IDetectionDataset read = DatasetSpec.Open(json);
        Assert.IsType<CocoDetectionDataset>(read);
        Assert.Equal(data.CategoryNames, read.CategoryNames);
        Assert.Equal(data.CategoryIds, read.CategoryIds);
        Assert.Equal(data.Count, read.Count);
        for (int i = 0; i < data.Count; i++)
        {
            DetectionRecord expected = data.GetRecord(i), actual = read.GetRecord(i);
            Assert.Equal((expected.ImageId, expected.Width, expected.Height), (actual.ImageId, actual.Width, actual.Height));
            Assert.Equal(expected.Objects.Count, actual.Objects.Count);
            for (int k = 0; k < expected.Objects.Count; k++)
            {
                BoxAnnotation e = expected.Objects[k], a = actual.Objects[k];
                Assert.Equal((e.X1, e.Y1, e.Label, e.IsCrowd), (a.X1, a.Y1, a.Label, a.IsCrowd));
                Assert.Equal(e.X2, a.X2, 4);
                Assert.Equal(e.Y2, a.Y2, 4);
            }

            Assert.True(data.LoadImage(i).Pixels.SequenceEqual(read.LoadImage(i).Pixels));
        }
    }

    [Fact]
    public void FollowsMmdetectionsAnnotationRules()
    {
        using var folder = new TempFolder();
        string images = Path.Combine(folder.Path, "pictures", "sub");
        Directory.CreateDirectory(images);
        File.Copy(Path.Combine(TestPaths.Raccoon, "JPEGImages", "raccoon-150.jpg"), Path.Combine(images, "x.jpg"));
        string json = folder.Write("gt.json", """
            {"images": [{"id": 42, "file_name": "sub/x.jpg", "width": 275, "height": 183},
                        {"id": 43, "file_name": "sub/x.jpg"}],
             "annotations": [
               {"id": 1, "image_id": 42, "category_id": 7, "bbox": [10, 20, 30, 40], "area": 1200, "iscrowd": 0},
               {"id": 2, "image_id": 42, "category_id": 3, "bbox": [50, 60, 20, 10], "area": 200, "iscrowd": 1},
               {"id": 3, "image_id": 42, "category_id": 3, "bbox": [1, 1, 5, 5], "area": 25, "ignore": 1},
               {"id": 4, "image_id": 42, "category_id": 3, "bbox": [1, 1, 0.5, 5], "area": 2.5},
               {"id": 5, "image_id": 42, "category_id": 3, "bbox": [300, 1, 5, 5], "area": 25},
               {"id": 6, "image_id": 42, "category_id": 3, "bbox": [1, 1, 5, 5], "area": 0},
               {"id": 7, "image_id": 43, "category_id": 3, "bbox": [0.5, 1.25, 5, 5], "area": 25}],
             "categories": [{"id": 7, "name": "seven"}, {"id": 3, "name": "three"}]}
            """);
        var data = new CocoDetectionDataset(json, Path.Combine(folder.Path, "pictures"));
        Assert.Equal(["three", "seven"], data.CategoryNames);   // labels follow sorted category ids
        Assert.Equal([3L, 7L], data.CategoryIds);
        DetectionRecord a = data.GetRecord(0);
        Assert.Equal(42, a.ImageId);
        Assert.Equal(Path.Combine(images, "x.jpg"), a.FilePath);
        Assert.Equal([new BoxAnnotation(10, 20, 40, 60, 1), new BoxAnnotation(50, 60, 70, 70, 0, IsCrowd: true)], a.Objects);
        Assert.Equal(1, a.TargetCount);
        DetectionRecord b = data.GetRecord(1);
        Assert.Equal((275, 183), (b.Width, b.Height));            // measured from the file
        Assert.Equal([new BoxAnnotation(0.5f, 1.25f, 5.5f, 6.25f, 0)], b.Objects);
        Assert.Equal(275 * 183 * 3, data.LoadImage(1).Pixels.Length);

        var e = Assert.Throws<InputException>(() => DatasetSpec.Open(json));   // images beside the JSON: not there
        Assert.Contains(Path.Combine(folder.Path, "sub", "x.jpg"), e.Message, StringComparison.Ordinal);
        Assert.IsType<CocoDetectionDataset>(DatasetSpec.Open(json, imagesFolder: Path.Combine(folder.Path, "pictures")));
    }

    [Fact]
    public void VocExportsToCocoAndReadsBackTheSame()
    {
        using var folder = new TempFolder();
        var voc = new VocDataset(TestPaths.Raccoon, "val");
        string json = Path.Combine(folder.Path, "val.json");
        CocoExport.Write(voc, json);
        var coco = new CocoDetectionDataset(json, Path.Combine(TestPaths.Raccoon, "JPEGImages"));
        Assert.Equal(voc.Count, coco.Count);
        for (int i = 0; i < voc.Count; i++)
        {
            Assert.Equal(voc.GetRecord(i).Objects, coco.GetRecord(i).Objects);
            Assert.Equal(voc.GetRecord(i).FilePath, coco.GetRecord(i).FilePath);
        }

        CocoDataset gt = CocoExport.ToCocoDataset(voc);
        Assert.Equal(44, gt.Annotations.Count);
        Assert.Equal(voc.GetRecord(0).Objects[0].Area, gt.Annotations[0].Area, 3);
    }

    [Fact]
    public void TrainingSubsetDropsEmptyAndTinyImages()
    {
        var data = new SyntheticDataset(new SyntheticOptions { Images = 40, Seed = 1, MinObjects = 0, MaxObjects = 1 });
        SubsetDataset subset = SubsetDataset.ForTraining(data);
        Assert.InRange(subset.Count, 5, 35);
        for (int i = 0; i < subset.Count; i++)
        {
            Assert.NotEmpty(subset.GetRecord(i).Objects);
            Assert.Same(data.GetRecord(subset.Indices[i]), subset.GetRecord(i));
        }

        Assert.Equal(0, SubsetDataset.ForTraining(data, minSize: 400).Count);
    }
}
