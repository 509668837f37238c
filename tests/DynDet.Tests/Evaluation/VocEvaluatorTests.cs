using System.Text.Json;
using DynDet.Evaluation;
using DynDet.TestSupport;

namespace DynDet.Tests.Evaluation;

public sealed class VocEvaluatorTests
{
    [Fact]
    public void Area_and_eleven_point_ap_of_a_hand_worked_curve()
    {
        // Two objects; detections TP (0.9), FP (0.8), TP (0.7): recall .5 .5 1, precision 1 .5 2/3.
        var gt = new VocGroundTruth([0, 0, 10, 10, 50, 50, 60, 60], [0, 0]);
        var dt = new VocDetections([0, 0, 10, 10, 100, 100, 110, 110, 50, 50, 60, 60], [0.9, 0.8, 0.7], [0, 0, 0]);
        var area = VocEvaluator.Evaluate([gt], [dt], 1);
        Assert.Equal(0.5 + (0.5 * 2 / 3.0), area.MeanAP, 15); // 0.5·1 + 0.5·(2/3)
        var elevenPoint = VocEvaluator.Evaluate([gt], [dt], 1, new VocEvaluatorOptions { Method = VocApMethod.ElevenPoint });
        Assert.Equal((6 + (5 * 2 / 3.0)) / 11, elevenPoint.MeanAP, 15); // recall 0..0.5: 1; 0.6..1: 2/3
        Assert.Equal(new VocClassResult(0, 2, 3, 1, area.MeanAP), area.PerClass[0]);
    }

    [Fact]
    public void Difficult_objects_are_neither_required_nor_counted()
    {
        // A difficult object detected (0.9) and one not detected; a regular object detected (0.5) and a duplicate (0.4).
        var gt = new VocGroundTruth(
            [0, 0, 10, 10, 30, 30, 40, 40, 50, 50, 60, 60], [0, 0, 0], [true, true, false]);
        var dt = new VocDetections([0, 0, 10, 10, 50, 50, 60, 60, 50, 50, 60, 61], [0.9, 0.5, 0.4], [0, 0, 0]);
        var e = VocEvaluator.Evaluate([gt], [dt], 1);
        Assert.Equal(1, e.PerClass[0].GroundTruths);
        Assert.Equal(1, e.PerClass[0].Recall);
        Assert.Equal(1, e.MeanAP, 15); // the TP comes first among counted detections; the FP after full recall
    }

    [Fact]
    public void A_detection_whose_best_object_is_taken_is_a_false_positive()
    {
        // voc_eval does not fall back to the second-best object.
        var gt = new VocGroundTruth([0, 0, 10, 10, 2, 0, 12, 10], [0, 0]);
        var dt = new VocDetections([0, 0, 10, 10, 0, 0, 10, 10], [0.9, 0.8], [0, 0]);
        var e = VocEvaluator.Evaluate([gt], [dt], 1);
        Assert.Equal(0.5, e.PerClass[0].Recall);
    }

    [Fact]
    public void Legacy_coordinates_add_one_to_sizes()
    {
        // Without +1: IoU 36/81 < 0.5, a miss; with +1: 50/100 = 0.5, a match.
        var gt = new VocGroundTruth([0, 0, 9, 9], [0]);
        var dt = new VocDetections([0, 0, 9, 4], [0.9], [0]);
        Assert.Equal(0, VocEvaluator.Evaluate([gt], [dt], 1).MeanAP);
        Assert.Equal(1, VocEvaluator.Evaluate([gt], [dt], 1, new VocEvaluatorOptions { LegacyCoordinates = true }).MeanAP, 15);
    }

    [Fact]
    public void Classes_without_ground_truth_are_undefined_and_left_out_of_the_mean()
    {
        var gt = new VocGroundTruth([0, 0, 10, 10], [0]);
        var dt = new VocDetections([0, 0, 10, 10, 0, 0, 5, 5], [0.9, 0.8], [0, 2]);
        var e = VocEvaluator.Evaluate([gt], [dt], 3);
        Assert.Equal(-1, e.PerClass[1].AP);
        Assert.Equal(-1, e.PerClass[2].AP);
        Assert.Equal(1, e.PerClass[2].Detections);
        Assert.Equal(1, e.MeanAP, 15);
        Assert.Contains("mAP", e.FormatSummary(["a", "b", "c"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_mismatched_inputs()
    {
        var gt = new VocGroundTruth([0, 0, 10, 10], [0]);
        Assert.Throws<ArgumentException>(() => VocEvaluator.Evaluate([gt], [], 1));
        Assert.Throws<ArgumentException>(() => VocEvaluator.Evaluate([gt], [new VocDetections([0, 0, 1, 1], [1], [5])], 2));
        Assert.Throws<ArgumentException>(() => new VocGroundTruth([0, 0, 1], [0]));
        Assert.Throws<ArgumentException>(() => new VocDetections([0, 0, 1, double.NaN], [1], [0]));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("integer")]
    public void Equals_the_mmdetection_eval_map_transcription(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("voceval", name + ".json")));
        var root = doc.RootElement;
        int classes = root.GetProperty("num_classes").GetInt32();
        var gts = new List<VocGroundTruth>();
        var dts = new List<VocDetections>();
        foreach (var image in root.GetProperty("images").EnumerateArray())
        {
            gts.Add(new VocGroundTruth(
                Flatten(image.GetProperty("gt_boxes")),
                [.. image.GetProperty("gt_labels").EnumerateArray().Select(e => e.GetInt32())],
                [.. image.GetProperty("gt_difficult").EnumerateArray().Select(e => e.GetBoolean())]));
            dts.Add(new VocDetections(
                Flatten(image.GetProperty("det_boxes")),
                [.. image.GetProperty("det_scores").EnumerateArray().Select(e => e.GetDouble())],
                [.. image.GetProperty("det_labels").EnumerateArray().Select(e => e.GetInt32())]));
        }

        foreach (var expected in root.GetProperty("expected").EnumerateObject())
        {
            var options = new VocEvaluatorOptions
            {
                Method = expected.Name.StartsWith("11points", StringComparison.Ordinal) ? VocApMethod.ElevenPoint : VocApMethod.Area,
                LegacyCoordinates = expected.Name.EndsWith("_legacy", StringComparison.Ordinal),
            };
            var e = VocEvaluator.Evaluate(gts, dts, classes, options);
            var want = expected.Value;
            Assert.Equal(want.GetProperty("mAP").GetDouble(), e.MeanAP, 12);
            var aps = want.GetProperty("ap").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            var numGts = want.GetProperty("num_gts").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            var numDets = want.GetProperty("num_dets").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            var recalls = want.GetProperty("recall").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            for (int c = 0; c < classes; c++)
            {
                Assert.Equal(aps[c], e.PerClass[c].AP, 12);
                Assert.Equal(numGts[c], e.PerClass[c].GroundTruths);
                Assert.Equal(numDets[c], e.PerClass[c].Detections);
                Assert.Equal(recalls[c], e.PerClass[c].Recall, 12);
            }
        }
    }

    private static double[] Flatten(JsonElement boxes) =>
        [.. boxes.EnumerateArray().SelectMany(b => b.EnumerateArray().Select(v => v.GetDouble()))];
}
