using System.Text.Json;
using DynDet.TestSupport;
using DynDet.Tests.Evaluation;

namespace DynDet.Tests.Cli;

/// <summary><c>dyndet eval</c> through the command-line entry point: numbers, output formats, exit codes, errors.</summary>
public sealed class EvalCommandTests
{
    [Theory]
    [InlineData("case1")]
    [InlineData("case2")]
    [InlineData("case3")]
    public void Json_output_reproduces_pycocotools_on_the_shared_cases(string name)
    {
        string folder = TestPaths.SharedFile("fixtures", "cocoeval", name);
        var run = CliCapture.Run("eval", "--gt", Path.Combine(folder, "gt.json"), "--dt", Path.Combine(folder, "dt.json"), "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        AssertJsonClose(Path.Combine(folder, "expected.json"), run.Output);
    }

    [Theory]
    [InlineData("mixed")]
    [InlineData("exact")]
    [InlineData("many_dets")]
    public void Json_output_reproduces_the_reference_on_generated_cases_with_per_class(string name)
    {
        string folder = TestPaths.Fixture("cocoeval", name);
        var run = CliCapture.Run("eval", "--gt", Path.Combine(folder, "gt.json"), "--dt", Path.Combine(folder, "dt.json"), "--json");
        Assert.Equal(0, run.ExitCode);
        AssertJsonClose(Path.Combine(folder, "expected.json"), run.Output);
    }

    [Fact]
    public void Json_output_is_one_object_with_exactly_the_contract_keys()
    {
        string folder = TestPaths.SharedFile("fixtures", "cocoeval", "case1");
        var run = CliCapture.Run("eval", "--gt", Path.Combine(folder, "gt.json"), "--dt", Path.Combine(folder, "dt.json"), "--json");
        Assert.Single(run.Output.Trim().Split('\n'));
        using var doc = JsonDocument.Parse(run.Output);
        var keys = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal([.. CocoExpected.ContractKeys, "per_class"], keys);
        var perClass = doc.RootElement.GetProperty("per_class").EnumerateObject().ToArray();
        Assert.Equal(20, perClass.Length);
        Assert.All(perClass, p => Assert.InRange(p.Value.GetDouble(), 0, 1));
    }

    [Fact]
    public void Human_output_is_the_pycocotools_summary_plus_single_iou_aps_and_classes()
    {
        string folder = TestPaths.SharedFile("fixtures", "cocoeval", "case1");
        var run = CliCapture.Run("eval", "--gt", Path.Combine(folder, "gt.json"), "--dt", Path.Combine(folder, "dt.json"));
        Assert.Equal(0, run.ExitCode);
        string[] lines = run.Output.Split('\n');
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.127", lines[0]);
        Assert.Equal(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.357", lines[11]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.60      | area=   all | maxDets=100 ] = 0.245", lines[12]);
        Assert.Matches("^c0 +1 +0\\.016$", lines[18]);
    }

    [Fact]
    public void Without_gt_and_dt_it_says_what_is_needed_and_exits_2()
    {
        var run = CliCapture.Run("eval", "--gt", "x.json");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: dyndet eval needs --gt GT.json and --dt DT.json", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"image_id":1,"category_id":99,"bbox":[0,0,1,1],"score":0.5}]""", "dt.json: record [0]: category_id 99 is not a category of the ground truth")]
    [InlineData("""[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":0.5},{"image_id":5,"category_id":1,"bbox":[0,0,1,1],"score":0.5}]""", "dt.json: record [1]: image_id 5 is not an image of the ground truth")]
    [InlineData("""[{"image_id":1,"category_id":1,"bbox":[0,0,-1,1],"score":0.5}]""", "dt.json: record [0]: bbox width -1 is negative")]
    [InlineData("""[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":NaN}]""", "dt.json: invalid JSON at line 1, byte 57 in record [0]: NaN and Infinity are not JSON numbers")]
    [InlineData("""[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":0.5}""", "dt.json: invalid JSON at line 1")]
    [InlineData("""[{"image_id":1,"category_id":1,"bbox":[0,0,1,1]}]""", "dt.json: record [0]: missing 'score'")]
    public void Bad_result_files_give_one_error_line_naming_file_and_record_and_exit_2(string dt, string message)
    {
        using var temp = new TempFolder();
        string gtPath = temp.Write("gt.json", """{"images":[{"id":1}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,2,2]}],"categories":[{"id":1,"name":"a"}]}""");
        string dtPath = temp.Write("dt.json", dt);
        var run = CliCapture.Run("eval", "--gt", gtPath, "--dt", dtPath);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith("error: " + temp.PathOf(message), run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("""{"images":[{"id":1},{"id":1}],"categories":[]}""", "gt.json: images[1]: image id 1 is used twice (also images[0])")]
    [InlineData("""{"images":[{"id":1}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,2,2]},{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,2,2]}],"categories":[{"id":1,"name":"a"}]}""", "gt.json: annotations[1] (id 1): annotation id 1 is used twice")]
    [InlineData("""{"images":[{"id":1}],"annotations":[{"id":1,"image_id":1,"category_id":1}],"categories":[{"id":1,"name":"a"}]}""", "gt.json: annotations[0] (id 1): missing 'bbox'")]
    [InlineData("""{"images":[{"id":1}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,1e400,2]}],"categories":[{"id":1,"name":"a"}]}""", "gt.json: annotations[0] (id 1): 'bbox' has a number that is not finite")]
    [InlineData("""{"images":[{"id":1}],""", "gt.json: invalid JSON at line 1")]
    public void Bad_ground_truth_gives_one_error_line_naming_file_and_record_and_exit_2(string gt, string message)
    {
        using var temp = new TempFolder();
        string gtPath = temp.Write("gt.json", gt);
        string dtPath = temp.Write("dt.json", "[]");
        var run = CliCapture.Run("eval", "--gt", gtPath, "--dt", dtPath);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: " + temp.PathOf(message), run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_missing_file_is_bad_input()
    {
        var run = CliCapture.Run("eval", "--gt", "/nonexistent/gt.json", "--dt", "/nonexistent/dt.json");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: /nonexistent/gt.json: file not found\n", run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Warnings_and_notes_go_to_stderr_and_leave_the_json_alone()
    {
        using var temp = new TempFolder();
        string gtPath = temp.Write("gt.json", """{"images":[{"id":1}],"annotations":[{"id":0,"image_id":1,"category_id":1,"bbox":[0,0,2,2]}],"categories":[{"id":1,"name":"a"}]}""");
        string dets = string.Join(",", Enumerable.Range(0, 101).Select(i => $"{{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,2,2],\"score\":{i}}}"));
        string dtPath = temp.Write("dt.json", "[" + dets + "]");
        var run = CliCapture.Run("eval", "--gt", gtPath, "--dt", dtPath, "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning: " + gtPath + ": 1 annotation(s) have id 0", run.Error, StringComparison.Ordinal);
        Assert.Contains("note: 1 detections were not evaluated", run.Error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(run.Output);
        Assert.Equal(0, doc.RootElement.GetProperty("AP").GetDouble());
    }

    [Fact]
    public void Categories_sharing_a_name_get_their_id_appended_in_per_class()
    {
        var gt = DynDet.Data.Coco.CocoDataset.Create(
            [new DynDet.Data.Coco.CocoImage(1)],
            [],
            [new DynDet.Data.Coco.CocoCategory(3, "car"), new DynDet.Data.Coco.CocoCategory(5, "car"), new DynDet.Data.Coco.CocoCategory(7, "bus")]);
        var evaluation = DynDet.Evaluation.CocoEvaluator.Evaluate(gt, new DynDet.Data.Coco.CocoResults([]));
        using var doc = JsonDocument.Parse(DynDet.Cli.Commands.EvalCommand.ToJson(evaluation));
        var names = doc.RootElement.GetProperty("per_class").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["car#3", "car#5", "bus"], names);
        Assert.Equal(-1, doc.RootElement.GetProperty("AP").GetDouble());
    }

    private static void AssertJsonClose(string expectedPath, string output)
    {
        using var doc = JsonDocument.Parse(output);
        var (actual, actualPerClass) = CocoExpected.Split(doc.RootElement);
        var (expected, expectedPerClass) = CocoExpected.Read(expectedPath);
        foreach (var (key, value) in expected)
        {
            Assert.True(Math.Abs(actual[key] - value) <= 1e-4, $"{key}: {actual[key]} vs {value}");
        }

        Assert.NotNull(actualPerClass);
        if (expectedPerClass is not null)
        {
            Assert.Equal(expectedPerClass.Keys.Order(), actualPerClass.Keys.Order());
            foreach (var (name, value) in expectedPerClass)
            {
                Assert.True(Math.Abs(actualPerClass[name] - value) <= 1e-4, $"per_class {name}: {actualPerClass[name]} vs {value}");
            }
        }
    }
}
