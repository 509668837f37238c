using System.Text.Json.Nodes;
using DynDet.TestSupport;

namespace DynDet.Tests.Cli;

public sealed class BenchCommandTests : TorchTest
{
    [Fact]
    public void Bench_prints_the_contract_json_for_a_torchvision_configured_model()
    {
        var (exit, output, error) = CliCapture.Run("bench", "--model", "fasterrcnn_r18", "--size", "64", "--batch", "1", "--iters", "1", "--json");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("fasterrcnn_r18", json["model"]!.GetValue<string>());
        Assert.Equal(64, json["size"]!.GetValue<int>());
        Assert.True(json["train_ms"]!.GetValue<double>() > 0);
        Assert.True(json["infer_ms"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void Bench_times_a_classifier_and_compares_dynamic_against_baseline()
    {
        var (exit, output, error) = CliCapture.Run("bench", "--model", "resnet18_cls", "--size", "32", "--batch", "1", "--iters", "1", "--json");
        Assert.True(exit == 0, error);
        Assert.Equal("resnet18_cls", JsonNode.Parse(output)!["model"]!.GetValue<string>());
        (exit, output, error) = CliCapture.Run("bench", "--model", "dynamic_rcnn_r18_cpu", "--size", "64", "--batch", "1",
            "--iters", "1", "--compare-dynamic", "--json", "model.backbone.width=0.25", "model.neck.out_channels=16",
            "model.roi_head.fc_channels=32");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.True(json["train_ms_dynamic"]!.GetValue<double>() > 0);
        Assert.True(json["train_ms_baseline"]!.GetValue<double>() > 0);
        Assert.Equal("model.dynamic_rcnn", Assert.Single(json["dynamic_parts"]!.AsArray())!.GetValue<string>());
    }

    [Theory]
    [InlineData("retinanet_r18_cpu_rlo", "model.bbox_head.balancer")]
    [InlineData("dynamic_atss_r18_cpu", "model.bbox_head.assigner.combined_ious")]
    public void Bench_compares_one_stage_dynamic_parts_against_the_same_head_without_them(string preset, string part)
    {
        var (exit, output, error) = CliCapture.Run("bench", "--model", preset, "--size", "64", "--batch", "1",
            "--iters", "1", "--compare-dynamic", "--json", "model.backbone.width=0.25", "model.neck.out_channels=16");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(part, Assert.Single(json["dynamic_parts"]!.AsArray())!.GetValue<string>());
        Assert.True(json["train_ms_dynamic"]!.GetValue<double>() > 0);
        Assert.True(json["train_ms_baseline"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void Comparing_dynamic_needs_a_dynamic_config()
    {
        var (exit, _, error) = CliCapture.Run("bench", "--model", "faster_rcnn_r18_cpu", "--size", "64", "--batch", "1", "--compare-dynamic");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: bench --compare-dynamic: config faster_rcnn_r18_cpu has no dynamic parts", error, StringComparison.Ordinal);
    }
}
