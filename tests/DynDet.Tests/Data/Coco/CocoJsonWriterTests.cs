using DynDet.Data.Coco;
using DynDet.TestSupport;

namespace DynDet.Tests.Data.Coco;

public sealed class CocoJsonWriterTests
{
    [Fact]
    public void An_annotation_file_round_trips_exactly()
    {
        using var temp = new TempFolder();
        var gt = CocoJsonReader.ReadDataset(TestPaths.SharedFile("fixtures", "cocoeval", "case2", "gt.json"));
        string path = temp.PathOf("sub/gt.json");
        CocoJsonWriter.WriteDataset(gt, path);
        var back = CocoJsonReader.ReadDataset(path);
        Assert.Equal(gt.Images, back.Images);
        Assert.Equal(gt.Annotations, back.Annotations);
        Assert.Equal(gt.Categories, back.Categories);
        Assert.Single(Directory.GetFiles(temp.PathOf("sub")));
    }

    [Fact]
    public void A_result_file_round_trips_exactly()
    {
        using var temp = new TempFolder();
        var dt = CocoJsonReader.ReadResults(TestPaths.SharedFile("fixtures", "cocoeval", "case1", "dt.json"));
        string path = temp.PathOf("dt.json");
        CocoJsonWriter.WriteResults(dt, path);
        Assert.Equal(dt.Detections, CocoJsonReader.ReadResults(path).Detections);
    }

    [Fact]
    public void Writes_optional_fields_only_when_known()
    {
        var gt = CocoDataset.Create(
            [new CocoImage(1), new CocoImage(2, "x.jpg", 3, 4)],
            [new CocoAnnotation(1, 2, 7, new CocoBox(0.1, 0, 1, 2), 2, IsCrowd: true, Ignore: true)],
            [new CocoCategory(7, "thing", "stuff")]);
        using var stream = new MemoryStream();
        CocoJsonWriter.WriteDataset(gt, stream);
        Assert.Equal(
            """{"images":[{"id":1},{"id":2,"file_name":"x.jpg","width":3,"height":4}],"annotations":[{"id":1,"image_id":2,"category_id":7,"bbox":[0.1,0,1,2],"area":2,"iscrowd":1,"ignore":1}],"categories":[{"id":7,"name":"thing","supercategory":"stuff"}]}""",
            System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
