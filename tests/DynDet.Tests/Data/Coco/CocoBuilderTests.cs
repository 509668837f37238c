using DynDet.Data.Coco;

namespace DynDet.Tests.Data.Coco;

public sealed class CocoBuilderTests
{
    [Fact]
    public void Builds_ground_truth_from_corner_boxes_labels_and_crowd_flags()
    {
        var builder = new CocoDatasetBuilder(["cat", "dog"]);
        builder.AddImage(7, "a.jpg", 64, 48).AddImage(8);
        builder.AddObjects(7, [1f, 2f, 11f, 22f, 0f, 0f, 4f, 4f], [1, 0], [false, true]);
        long id = builder.AddObject(8, 0, new CocoBox(1, 1, 2, 2), area: 3);
        var gt = builder.Build();
        Assert.Equal(3, id);
        Assert.Equal(new CocoAnnotation(1, 7, 2, new CocoBox(1, 2, 10, 20), 200), gt.Annotations[0]);
        Assert.Equal(new CocoAnnotation(2, 7, 1, new CocoBox(0, 0, 4, 4), 16, IsCrowd: true), gt.Annotations[1]);
        Assert.Equal(3, gt.Annotations[2].Area);
        Assert.Equal("dog", gt.CategoryOfLabel(1).Name);
        Assert.Equal("<memory>", gt.Source);
    }

    [Fact]
    public void Build_refuses_objects_of_unknown_images()
    {
        var builder = new CocoDatasetBuilder(["cat"]);
        builder.AddObject(5, 0, new CocoBox(0, 0, 1, 1));
        var e = Assert.Throws<InputException>(() => builder.Build());
        Assert.Equal("<memory>: annotations[0] (id 1): image_id 5 is not in images", e.Message);
    }

    [Fact]
    public void Builds_results_from_labels_through_the_label_map()
    {
        var labels = new CocoLabelMap([90, 1, 5]);
        var results = new CocoResultsBuilder(labels).Add(3, [0f, 0f, 2f, 3f, 1f, 1f, 2f, 2f], [0.5f, 0.25f], [2, 0]).Build();
        Assert.Equal(new CocoDetection(3, 90, new CocoBox(0, 0, 2, 3), 0.5), results.Detections[0]);
        Assert.Equal(new CocoDetection(3, 1, new CocoBox(1, 1, 1, 1), 0.25), results.Detections[1]);
    }

    [Fact]
    public void Results_refuse_non_finite_scores()
    {
        var e = Assert.Throws<InputException>(() =>
            new CocoResults([new CocoDetection(1, 1, new CocoBox(0, 0, 1, 1), double.NaN)], "dets"));
        Assert.Equal("dets: record [0]: score NaN is not a finite number", e.Message);
    }

    [Fact]
    public void The_label_map_sorts_category_ids()
    {
        var map = new CocoLabelMap([90, 1, 5]);
        Assert.Equal(3, map.Count);
        Assert.Equal(new[] { 1, 5, 90 }, map.CategoryIds);
        Assert.Equal(2, map.LabelOf(90));
        Assert.Equal(5, map.CategoryIdOf(1));
        Assert.False(map.TryGetLabel(2, out _));
        Assert.Throws<ArgumentException>(() => new CocoLabelMap([1, 1]));
    }
}
