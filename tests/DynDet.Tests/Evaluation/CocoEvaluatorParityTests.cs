using DynDet.Data.Coco;
using DynDet.Evaluation;
using DynDet.TestSupport;

namespace DynDet.Tests.Evaluation;

/// <summary>
/// The evaluator against pycocotools: the three shared cases made with real pycocotools, and generated cases whose
/// numbers come from tests/fixtures/gen_cocoeval.py (a transcription of pycocotools checked against the shared
/// cases). The computation follows pycocotools operation by operation, so agreement is to ~1e-16, far inside the
/// contract's 1e-4.
/// </summary>
public sealed class CocoEvaluatorParityTests
{
    public static TheoryData<string> SharedCases => new() { "case1", "case2", "case3" };

    public static TheoryData<string> GeneratedCases =>
        new() { "mixed", "ties", "many_dets", "crowds", "ann_id_zero", "continuous", "exact" };

    [Theory]
    [MemberData(nameof(SharedCases))]
    public void Library_equals_pycocotools_on_the_shared_cases(string name)
    {
        string folder = TestPaths.SharedFile("fixtures", "cocoeval", name);
        var evaluation = Evaluate(folder);
        CocoExpected.AssertClose(Path.Combine(folder, "expected.json"), evaluation, 1e-12);
    }

    [Theory]
    [MemberData(nameof(GeneratedCases))]
    public void Library_equals_the_pycocotools_transcription_on_generated_cases(string name)
    {
        string folder = TestPaths.Fixture("cocoeval", name);
        var evaluation = Evaluate(folder);
        CocoExpected.AssertClose(Path.Combine(folder, "expected.json"), evaluation, 1e-12);
    }

    [Fact]
    public void In_memory_ground_truth_and_detections_give_the_numbers_of_the_files()
    {
        string folder = TestPaths.SharedFile("fixtures", "cocoeval", "case1");
        var fromFiles = CocoJsonReader.ReadDataset(Path.Combine(folder, "gt.json"));
        var builder = new CocoDatasetBuilder(fromFiles.Categories);
        foreach (var image in fromFiles.Images)
        {
            builder.AddImage(image.Id, image.FileName, image.Width, image.Height);
        }

        foreach (var a in fromFiles.Annotations)
        {
            builder.AddObject(a.ImageId, fromFiles.Labels.LabelOf(a.CategoryId), a.Box, a.IsCrowd, a.Area);
        }

        var results = new CocoResultsBuilder(builder.Labels);
        foreach (var d in CocoJsonReader.ReadResults(Path.Combine(folder, "dt.json")).Detections)
        {
            results.Add(d);
        }

        var evaluation = CocoEvaluator.Evaluate(builder.Build(), results.Build());
        CocoExpected.AssertClose(Path.Combine(folder, "expected.json"), evaluation, 1e-12);
    }

    private static CocoEvaluation Evaluate(string folder) =>
        CocoEvaluator.Evaluate(
            CocoJsonReader.ReadDataset(Path.Combine(folder, "gt.json")),
            CocoJsonReader.ReadResults(Path.Combine(folder, "dt.json")));
}
