using DynDet.Data.Coco;
using DynDet.Evaluation;

namespace DynDet.Tests.Evaluation;

/// <summary>Small cases whose COCO numbers are worked out by hand from pycocotools' rules.</summary>
public sealed class CocoEvaluatorTests
{
    [Fact]
    public void A_perfect_detection_scores_one_and_empty_size_ranges_are_undefined()
    {
        var e = Evaluate([Gt(1, 1, 0, 0, 100, 100)], [Dt(1, 1, 0, 0, 100, 100, 0.9)]);
        Assert.Equal(1, e.AP, 12);
        Assert.Equal(1, e.AP50, 12);
        Assert.Equal(1, e.AP90, 12);
        Assert.Equal(1, e.APLarge, 12);
        Assert.Equal(-1, e.APSmall);
        Assert.Equal(-1, e.APMedium);
        Assert.Equal(1, e.AR1, 12);
        Assert.Equal(-1, e.ARSmall);
        Assert.Equal((1, "a"), (e.PerClass[0].CategoryId, e.PerClass[0].Name));
        Assert.Equal(1 / (1 + Math.Pow(2, -52)), e.PerClass[0].AP); // pycocotools: tp / (tp + fp + eps)
    }

    [Fact]
    public void An_iou_of_exactly_one_half_matches_only_at_the_first_threshold()
    {
        // IoU = 50 / (100 + 50 - 50) = 0.5: a true positive at 0.50, a false positive at 0.55..0.95.
        var e = Evaluate([Gt(1, 1, 0, 0, 10, 10)], [Dt(1, 1, 0, 0, 10, 5, 0.9)]);
        Assert.Equal(1, e.AP50, 12);
        Assert.Equal(0, e.AP75);
        Assert.Equal(0.1, e.AP, 15);
        Assert.Equal(0.1, e.AR100, 15);
    }

    [Fact]
    public void A_higher_scoring_false_positive_elsewhere_halves_the_precision()
    {
        // Sorted: FP (0.9), TP (0.5): precision [0, 0.5] -> envelope 0.5 at every recall threshold.
        var e = Evaluate(
            [Gt(1, 1, 0, 0, 50, 50)],
            [Dt(1, 1, 0, 0, 50, 50, 0.5), Dt(2, 1, 0, 0, 50, 50, 0.9)]);
        Assert.Equal(0.5, e.AP50, 15);
        Assert.Equal(0.5, e.AP, 15);
        Assert.Equal(1, e.AR100, 12);
        Assert.Equal(1, e.AR1, 12); // each image's top detection: image 1's is the true positive
    }

    [Fact]
    public void Size_ranges_use_the_annotation_area_field_not_the_box()
    {
        // A 10x10 box annotated with area 5000 is a medium object; the detection (w*h = 100) matches it.
        var e = Evaluate([Gt(1, 1, 0, 0, 10, 10, area: 5000)], [Dt(1, 1, 0, 0, 10, 10, 0.9)]);
        Assert.Equal(1, e.APMedium, 12);
        Assert.Equal(-1, e.APSmall); // the gt is outside "small": its match is ignored, nothing to measure
        Assert.Equal(-1, e.APLarge);
    }

    [Fact]
    public void Detections_on_a_crowd_are_ignored_and_a_crowd_only_category_is_undefined()
    {
        var e = Evaluate(
            [Gt(1, 1, 0, 0, 100, 100, crowd: true), Gt(1, 2, 0, 0, 100, 100)],
            [Dt(1, 1, 10, 10, 20, 20, 0.9), Dt(1, 1, 30, 30, 20, 20, 0.8), Dt(1, 2, 0, 0, 100, 100, 0.7)]);
        Assert.Equal(-1, e.PerClass[0].AP);
        Assert.Equal(1, e.PerClass[1].AP, 12);
        Assert.Equal(1, e.AP, 12);
    }

    [Fact]
    public void Only_the_top_detection_counts_for_ar1()
    {
        var e = Evaluate(
            [Gt(1, 1, 0, 0, 40, 40), Gt(1, 1, 100, 100, 40, 40)],
            [Dt(1, 1, 0, 0, 40, 40, 0.9), Dt(1, 1, 100, 100, 40, 40, 0.8)]);
        Assert.Equal(0.5, e.AR1, 15);
        Assert.Equal(1, e.AR10, 12);
        Assert.Equal(1, e.AP, 12);
    }

    [Fact]
    public void No_detections_give_zero_and_no_ground_truth_gives_minus_one()
    {
        var e = Evaluate([Gt(1, 1, 0, 0, 40, 40)], []);
        Assert.Equal(0, e.AP);
        Assert.Equal(0, e.AR100);
        Assert.Equal(-1, e.APSmall);
        Assert.Equal(-1, e.PerClass[1].AP);
    }

    [Fact]
    public void A_match_to_annotation_id_zero_counts_as_unmatched_as_in_pycocotools()
    {
        var gt = CocoDataset.Create(
            [new CocoImage(1)],
            [new CocoAnnotation(0, 1, 1, new CocoBox(0, 0, 40, 40), 1600)],
            [new CocoCategory(1, "a")]);
        var e = CocoEvaluator.Evaluate(gt, new CocoResults([Dt(1, 1, 0, 0, 40, 40, 0.9)]));
        Assert.Equal(0, e.AP);
        Assert.Single(gt.Warnings);
    }

    [Fact]
    public void Counts_detections_beyond_one_hundred_per_image_and_category()
    {
        var dets = Enumerable.Range(0, 130).Select(i => Dt(1, 1, i, 0, 10, 10, i / 200.0)).ToArray();
        var e = Evaluate([Gt(1, 1, 0, 0, 10, 10)], dets);
        Assert.Equal(30, e.DetectionsBeyondMaxDets);
        Assert.Equal(0, e.AR100); // the only matching detection has the lowest score: cut
    }

    [Fact]
    public void Unknown_images_and_categories_in_results_are_bad_input()
    {
        var gt = Dataset([Gt(1, 1, 0, 0, 10, 10)]);
        var e1 = Assert.Throws<InputException>(() =>
            CocoEvaluator.Evaluate(gt, new CocoResults([Dt(1, 1, 0, 0, 1, 1, 0.5), Dt(7, 1, 0, 0, 1, 1, 0.5)], "dt.json")));
        Assert.Equal("dt.json: record [1]: image_id 7 is not an image of the ground truth (<memory>)", e1.Message);
        var e2 = Assert.Throws<InputException>(() =>
            CocoEvaluator.Evaluate(gt, new CocoResults([Dt(1, 99, 0, 0, 1, 1, 0.5)], "dt.json")));
        Assert.Equal("dt.json: record [0]: category_id 99 is not a category of the ground truth (<memory>)", e2.Message);
    }

    [Fact]
    public void Thresholds_are_numpy_linspace_to_the_bit()
    {
        double[] iou = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95];
        Assert.Equal(iou, CocoEvalParameters.IouThresholds);
        Assert.Equal(101, CocoEvalParameters.RecallThresholds.Count);
        Assert.Equal(0.35000000000000003, CocoEvalParameters.RecallThresholds[35]);
        Assert.Equal(0.5700000000000001, CocoEvalParameters.RecallThresholds[57]);
        Assert.Equal(1.0, CocoEvalParameters.RecallThresholds[100]);
    }

    [Fact]
    public void Means_add_in_numpys_order()
    {
        var values = Enumerable.Range(0, 8200).Select(i => (1.0 / (i + 1)) + (i % 7 * 1e-3)).ToArray();
        Assert.Equal(34.183166072524294, NumpySum.Sum(values)); // np.sum; a plain loop gives 34.183166072524365
        Assert.Equal(0.004168678789332231, NumpySum.Mean(values));
    }

    [Fact]
    public void The_summary_has_pycocotools_lines_then_single_iou_aps_and_a_class_table()
    {
        string text = Evaluate([Gt(1, 1, 0, 0, 10, 10)], [Dt(1, 1, 0, 0, 10, 5, 0.9)]).FormatSummary();
        string[] lines = text.Split('\n');
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.100", lines[0]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.100", lines[3]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000", lines[4]);
        Assert.Equal(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.100", lines[6]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.90      | area=   all | maxDets=100 ] = 0.000", lines[15]);
        Assert.Matches("^category +id +AP$", lines[17]);
        Assert.Matches("^a +1 +0\\.100$", lines[18]);
        Assert.Matches("^b +2 +n/a$", lines[19]);
    }

    private static CocoEvaluation Evaluate(CocoAnnotation[] gts, CocoDetection[] dts) =>
        CocoEvaluator.Evaluate(Dataset(gts), new CocoResults(dts));

    private static CocoDataset Dataset(CocoAnnotation[] gts)
    {
        var withIds = gts.Select((a, i) => a with { Id = i + 1 });
        return CocoDataset.Create(
            [new CocoImage(1), new CocoImage(2)], withIds, [new CocoCategory(1, "a"), new CocoCategory(2, "b")]);
    }

    private static CocoAnnotation Gt(long image, int category, double x, double y, double w, double h, double? area = null, bool crowd = false) =>
        new(0, image, category, new CocoBox(x, y, w, h), area ?? w * h, crowd);

    private static CocoDetection Dt(long image, int category, double x, double y, double w, double h, double score) =>
        new(image, category, new CocoBox(x, y, w, h), score);
}
