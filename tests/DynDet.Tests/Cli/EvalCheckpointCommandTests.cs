using System.Text.Json;
using DynDet.Data;
using DynDet.Data.Coco;
using DynDet.Evaluation;
using DynDet.TestSupport;
using DynDet.Tests.Evaluation;
using DynDet.Training;

namespace DynDet.Tests.Cli;

/// <summary><c>dyndet eval --checkpoint CKPT --data SPEC</c> through the command-line entry point.</summary>
public sealed class EvalCheckpointCommandTests(TinyCheckpointFixture tiny) : TorchTest, IClassFixture<TinyCheckpointFixture>
{
    [Fact]
    public void Json_has_the_contract_keys_then_voc_map_and_voc07_map()
    {
        var run = CliCapture.Run("eval", "--checkpoint", tiny.Checkpoint, "--data", tiny.Annotations, "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.Output.Trim().Split('\n'));
        using var doc = JsonDocument.Parse(run.Output);
        var keys = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal([.. CocoExpected.ContractKeys, "per_class", "voc_map", "voc07_map"], keys);
        Assert.Equal(TinyCheckpointFixture.Classes, doc.RootElement.GetProperty("per_class").EnumerateObject().Select(p => p.Name));
        Assert.InRange(doc.RootElement.GetProperty("voc_map").GetDouble(), 0, 1);
        Assert.InRange(doc.RootElement.GetProperty("voc07_map").GetDouble(), 0, 1);
        Assert.Contains("eval 5/5", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Written_result_file_holds_the_models_detections_and_gt_dt_evaluation_gives_the_same_numbers()
    {
        string dtPath = Path.Combine(tiny.NewFolder(), "out", "dt.json");
        var model = CliCapture.Run("eval", "--checkpoint", tiny.Checkpoint, "--data", tiny.RemappedAnnotations, "--out", dtPath, "--json");
        Assert.Equal(0, model.ExitCode);
        Assert.Contains($"wrote", model.Error, StringComparison.Ordinal);

        // The file holds the detector's detections, labels mapped to the file's category ids 5, 9, 12.
        var written = CocoJsonReader.ReadResults(dtPath);
        var dataset = DatasetSpec.Open(tiny.RemappedAnnotations);
        CocoResults expected;
        using (var detector = Detector.Load(tiny.Checkpoint))
        {
            var detections = DatasetInference.Run(detector.Model, dataset, showProgress: false);
            expected = DatasetEvaluation.Results(CocoJsonReader.ReadDataset(tiny.RemappedAnnotations).Labels, detections);
        }

        Assert.True(written.Count > 0);
        Assert.Equal(expected.Detections, written.Detections);
        Assert.All(written.Detections, d => Assert.Contains(d.CategoryId, new[] { 5, 9, 12 }));

        // dyndet eval --gt --dt on the same file: the same numbers, per class included.
        var files = CliCapture.Run("eval", "--gt", tiny.RemappedAnnotations, "--dt", dtPath, "--json");
        Assert.Equal(0, files.ExitCode);
        var (modelMetrics, modelPerClass) = CocoExpected.Split(JsonDocument.Parse(model.Output).RootElement);
        var (fileMetrics, filePerClass) = CocoExpected.Split(JsonDocument.Parse(files.Output).RootElement);
        Assert.Equal(fileMetrics, modelMetrics.Where(p => p.Key is not ("voc_map" or "voc07_map")).ToDictionary());
        Assert.Equal(filePerClass, modelPerClass);
        // An untrained detector finds something by chance: the comparison is not of zeros only.
        Assert.True(fileMetrics["AR100"] > 0, "AR100 of the untrained detector is 0: the comparison would be vacuous");
    }

    [Fact]
    public void Human_report_is_the_gt_dt_report_plus_two_voc_lines()
    {
        string dtPath = Path.Combine(tiny.NewFolder(), "dt.json");
        var model = CliCapture.Run("eval", "--checkpoint", tiny.Checkpoint, "--data", tiny.Annotations, "--out", dtPath);
        Assert.Equal(0, model.ExitCode);
        var files = CliCapture.Run("eval", "--gt", tiny.Annotations, "--dt", dtPath);
        var json = CliCapture.Run("eval", "--checkpoint", tiny.Checkpoint, "--data", tiny.Annotations, "--json");
        using var doc = JsonDocument.Parse(json.Output);
        Assert.StartsWith(files.Output, model.Output, StringComparison.Ordinal);
        string[] extra = model.Output[files.Output.Length..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, extra.Length);
        Assert.Equal(FormattableString.Invariant($" VOC mAP @[ IoU=0.50 ] (area, all points) = {doc.RootElement.GetProperty("voc_map").GetDouble():0.0000}"), extra[0]);
        Assert.Equal(FormattableString.Invariant($" VOC mAP @[ IoU=0.50 ] (VOC07 11-point)    = {doc.RootElement.GetProperty("voc07_map").GetDouble():0.0000}"), extra[1]);
    }

    [Fact]
    public void Synthetic_spec_is_evaluated_against_ground_truth_built_from_its_records()
    {
        const string spec = "synthetic:images=5,size=128,classes=3,seed=11";
        var fromSpec = CliCapture.Run("eval", "--checkpoint", tiny.Checkpoint, "--data", spec, "--json");
        Assert.Equal(0, fromSpec.ExitCode);
        // The same images and boxes as the file written from that SPEC: the same numbers.
        var fromFile = CliCapture.Run("eval", "--checkpoint", tiny.Checkpoint, "--data", tiny.Annotations, "--json");
        Assert.Equal(fromFile.Output, fromSpec.Output);
    }

    [Fact]
    public void Dataset_with_other_classes_is_refused_naming_the_difference()
    {
        var run = CliCapture.Run("eval", "--checkpoint", tiny.Checkpoint, "--data", "synthetic:images=2,size=128,classes=4");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        string line = Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("error: dataset synthetic:images=2,size=128,classes=4 does not have the classes of checkpoint ", line, StringComparison.Ordinal);
        Assert.EndsWith("only the dataset has ['ellipse']", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--gt", "gt.json")]
    [InlineData("--dt", "dt.json")]
    [InlineData("--gt", "gt.json", "--dt", "dt.json")]
    public void Result_file_options_with_a_model_are_a_usage_error(params string[] fileOptions)
    {
        var run = CliCapture.Run(["eval", "--checkpoint", tiny.Checkpoint, "--data", tiny.Annotations, .. fileOptions]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith("error: --gt/--dt and --checkpoint/--data are exclusive", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("error: dyndet eval --checkpoint CKPT needs --data SPEC", "eval", "--checkpoint", "x.pth")]
    [InlineData("error: dyndet eval --checkpoint CKPT needs --data SPEC", "eval", "--data", "synthetic")]
    [InlineData("error: --split, --images and --out go with --checkpoint", "eval", "--gt", "a.json", "--dt", "b.json", "--out", "c.json")]
    [InlineData("error: dyndet eval needs --gt GT.json and --dt DT.json (a result file), or --checkpoint CKPT and --data SPEC", "eval")]
    public void Incomplete_or_mixed_options_are_usage_errors(string message, params string[] args)
    {
        var run = CliCapture.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_checkpoint_is_bad_input()
    {
        string missing = Path.Combine(tiny.NewFolder(), "none.pth");
        var run = CliCapture.Run("eval", "--checkpoint", missing, "--data", tiny.Annotations);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {missing}: no such checkpoint", run.Error.Trim());
    }

    [Fact]
    public void Out_naming_a_folder_is_bad_input_before_inference()
    {
        string folder = tiny.NewFolder();
        var run = CliCapture.Run("eval", "--checkpoint", tiny.Checkpoint, "--data", tiny.Annotations, "--out", folder);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: --out {folder} is a folder", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("eval ", run.Error, StringComparison.Ordinal);
    }
}
