using DynDet.Data.Coco;
using DynDet.TestSupport;

namespace DynDet.Tests.Data.Coco;

public sealed class CocoJsonReaderTests
{
    private const string Categories =
        "\"categories\":[{\"id\":3,\"name\":\"cat\"},{\"id\":1,\"name\":\"dog\",\"supercategory\":\"animal\"}]";

    [Fact]
    public void Reads_the_shared_ground_truth_with_every_record_in_file_order()
    {
        var gt = CocoJsonReader.ReadDataset(TestPaths.SharedFile("fixtures", "cocoeval", "case1", "gt.json"));
        Assert.Equal(30, gt.Images.Count);
        Assert.Equal(180, gt.Annotations.Count);
        Assert.Equal(20, gt.Categories.Count);
        Assert.Equal(new CocoImage(10, "0.jpg", 368, 591), gt.Images[0]);
        var first = gt.Annotations[0];
        Assert.Equal(1, first.Id);
        Assert.Equal(10, first.ImageId);
        Assert.Equal(25, first.CategoryId);
        Assert.Equal(98.30109021337023, first.Box.X);
        Assert.Equal(93.42720042424124, first.Box.Height);
        Assert.Equal(10101.229683366148, first.Area);
        Assert.Empty(gt.Warnings);
        int total = 0;
        foreach (var image in gt.Images)
        {
            foreach (var a in gt.AnnotationsOfImage(image.Id))
            {
                Assert.Equal(image.Id, a.ImageId);
                total++;
            }
        }

        Assert.Equal(180, total);
    }

    [Fact]
    public void Defaults_area_crowd_ignore_and_optional_image_fields()
    {
        var gt = CocoJsonReader.ParseDataset(
            Json("""{"info":{"year":2017},"images":[{"id":5},{"id":6,"file_name":"a/b.jpg","width":4,"height":3}],"annotations":[{"id":1,"image_id":5,"category_id":3,"bbox":[1,2,3,4],"segmentation":[[1,2,3,4,5,6]]},{"id":2,"image_id":6,"category_id":1,"bbox":[0,0,0,2],"area":9.5,"iscrowd":1,"ignore":true}],"""
                + Categories + "}"),
            "gt.json");
        Assert.Equal(new CocoImage(5), gt.Images[0]);
        Assert.Equal(new CocoImage(6, "a/b.jpg", 4, 3), gt.Images[1]);
        Assert.Equal(new CocoAnnotation(1, 5, 3, new CocoBox(1, 2, 3, 4), 12), gt.Annotations[0]);
        Assert.Equal(new CocoAnnotation(2, 6, 1, new CocoBox(0, 0, 0, 2), 9.5, IsCrowd: true, Ignore: true), gt.Annotations[1]);
        Assert.Equal("animal", gt.GetCategory(1).Supercategory);
        Assert.Equal(new[] { 1, 3 }, gt.Labels.CategoryIds);
        Assert.Equal(1, gt.Labels.LabelOf(3));
        Assert.Equal("dog", gt.CategoryOfLabel(0).Name);
    }

    [Fact]
    public void Reads_results_in_file_order_and_ignores_extra_fields()
    {
        var dt = CocoJsonReader.ParseResults(
            Json("""[{"image_id":5,"category_id":3,"bbox":[1.5,2,3,4e1],"score":0.25,"id":99,"segmentation":[]},{"score":1,"bbox":[0,0,1,1],"category_id":1,"image_id":6}]"""),
            "dt.json");
        Assert.Equal(2, dt.Count);
        Assert.Equal(new CocoDetection(5, 3, new CocoBox(1.5, 2, 3, 40), 0.25), dt.Detections[0]);
        Assert.Equal(new CocoDetection(6, 1, new CocoBox(0, 0, 1, 1), 1), dt.Detections[1]);
        Assert.Equal(0, CocoJsonReader.ParseResults(Json("[]"), "dt.json").Count);
    }

    [Theory]
    [InlineData("""{"images":[{"id":1}],""", "gt.json: invalid JSON at line 1")]
    [InlineData("""{"images":[{"id":1},{"id":1}],"categories":[]}""", "gt.json: images[1]: image id 1 is used twice (also images[0])")]
    [InlineData("""{"images":[{"id":1}],"categories":[{"id":2,"name":"a"},{"id":2,"name":"b"}]}""", "gt.json: categories[1]: category id 2 is used twice")]
    [InlineData("""{"images":[{"id":1}],"categories":[{"id":2}]}""", "gt.json: categories[0] (id 2): missing 'name'")]
    [InlineData("""{"images":[{"id":"x"}],"categories":[]}""", "gt.json: images[0]: 'id' must be an integer")]
    [InlineData("""{"images":[{"id":1,"width":0,"height":5}],"categories":[]}""", "gt.json: images[0] (id 1): width and height must be positive")]
    [InlineData("""{"images":[{"id":1}]}""", "gt.json: a COCO annotation file needs a 'categories' list")]
    [InlineData("""{"categories":[]}""", "gt.json: a COCO annotation file needs an 'images' list")]
    [InlineData("""[{"image_id":1}]""", "gt.json: a COCO annotation file is a JSON object")]
    [InlineData("", "gt.json: the file is empty")]
    public void Refuses_bad_annotation_files_naming_file_and_record(string json, string message)
    {
        var e = Assert.Throws<InputException>(() => CocoJsonReader.ParseDataset(Json(json), "gt.json"));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,1,1]},{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,1,1]}""", "gt.json: annotations[1] (id 7): annotation id 7 is used twice (also annotations[0])")]
    [InlineData("""{"id":7,"image_id":9,"category_id":2,"bbox":[0,0,1,1]}""", "gt.json: annotations[0] (id 7): image_id 9 is not in images")]
    [InlineData("""{"id":7,"image_id":1,"category_id":5,"bbox":[0,0,1,1]}""", "gt.json: annotations[0] (id 7): category_id 5 is not in categories")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,-1,1]}""", "gt.json: annotations[0] (id 7): bbox width -1 is negative")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,1]}""", "gt.json: annotations[0] (id 7): 'bbox' has 3 numbers, not 4")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,1,1,1]}""", "gt.json: annotations[0] (id 7): 'bbox' must be a list of 4 numbers")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":"0 0 1 1"}""", "gt.json: annotations[0] (id 7): 'bbox' must be a list of 4 numbers")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,1,1],"area":-2}""", "gt.json: annotations[0] (id 7): area -2 is not a finite non-negative number")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,1,1],"area":1e999}""", "gt.json: annotations[0] (id 7): 'area' has a number that is not finite")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,1,NaN]}""", "gt.json: invalid JSON at line 1, byte ")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2}""", "gt.json: annotations[0] (id 7): missing 'bbox'")]
    [InlineData("""{"image_id":1,"category_id":2,"bbox":[0,0,1,1]}""", "gt.json: annotations[0]: missing 'id'")]
    [InlineData("""{"id":7,"category_id":2,"bbox":[0,0,1,1]}""", "gt.json: annotations[0] (id 7): missing 'image_id'")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2,"bbox":[0,0,1,1],"iscrowd":"yes"}""", "gt.json: annotations[0] (id 7): 'iscrowd' must be 0 or 1")]
    [InlineData("""{"id":7,"image_id":1,"category_id":2.5,"bbox":[0,0,1,1]}""", "gt.json: annotations[0] (id 7): 'category_id' must be an integer")]
    public void Refuses_bad_annotations_naming_file_and_record(string annotations, string message)
    {
        string json = """{"images":[{"id":1}],"categories":[{"id":2,"name":"a"}],"annotations":[""" + annotations + "]}";
        var e = Assert.Throws<InputException>(() => CocoJsonReader.ParseDataset(Json(json), "gt.json"));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_NaN_and_the_record_it_is_in()
    {
        string json = """[{"image_id":1,"category_id":2,"bbox":[0,0,1,1],"score":0.5},""" + "\n"
            + """{"image_id":1,"category_id":2,"bbox":[0,0,1,1],"score":NaN}]""";
        var e = Assert.Throws<InputException>(() => CocoJsonReader.ParseResults(Json(json), "dt.json"));
        Assert.StartsWith("dt.json: invalid JSON at line 2, byte ", e.Message, StringComparison.Ordinal);
        Assert.Contains("in record [1]: NaN and Infinity are not JSON numbers", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"images":[]}""", "dt.json: a COCO result file is a JSON list")]
    [InlineData("""[{"image_id":1,"category_id":2,"bbox":[0,0,1,1],"score":0.5},3]""", "dt.json: record [1] is not a JSON object")]
    [InlineData("""[{"image_id":1,"category_id":2,"bbox":[0,0,1,1]}]""", "dt.json: record [0]: missing 'score'")]
    [InlineData("""[{"image_id":1,"category_id":2,"segmentation":{},"score":1}]""", "dt.json: record [0]: missing 'bbox' (DynDet evaluates boxes only)")]
    [InlineData("""[{"image_id":1,"bbox":[0,0,1,1],"score":1}]""", "dt.json: record [0]: missing 'category_id'")]
    [InlineData("""[{"image_id":1,"category_id":2,"bbox":[0,0,1,-1],"score":1}]""", "dt.json: record [0]: bbox height -1 is negative")]
    [InlineData("""[{"image_id":1,"category_id":2,"bbox":[0,0,1,1],"score":"high"}]""", "dt.json: record [0]: 'score' must be a number")]
    [InlineData("""[{"image_id":1,"category_id":2,"bbox":[0,0,1,1],"score":1}""", "dt.json: invalid JSON at line 1")]
    public void Refuses_bad_result_files_naming_file_and_record(string json, string message)
    {
        var e = Assert.Throws<InputException>(() => CocoJsonReader.ParseResults(Json(json), "dt.json"));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_bad_input()
    {
        var e = Assert.Throws<InputException>(() => CocoJsonReader.ReadResults("/nonexistent/dt.json"));
        Assert.Equal("/nonexistent/dt.json: file not found", e.Message);
    }

    [Fact]
    public void Warns_about_annotation_id_zero()
    {
        var gt = CocoJsonReader.ParseDataset(
            Json("""{"images":[{"id":1}],"categories":[{"id":2,"name":"a"}],"annotations":[{"id":0,"image_id":1,"category_id":2,"bbox":[0,0,1,1]}]}"""),
            "gt.json");
        Assert.StartsWith("gt.json: 1 annotation(s) have id 0 (first: annotations[0])", Assert.Single(gt.Warnings), StringComparison.Ordinal);
    }

    private static byte[] Json(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
