using DynDet.TestSupport;
using DynDet.Config;

namespace DynDet.Tests.Config;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Dynamic_preset_inherits_the_baseline_and_changes_only_what_spec_says()
    {
        var baseline = ConfigLoader.Load("faster_rcnn_r50_fpn_1x");
        var dynamic = ConfigLoader.Load("dynamic_rcnn_r50_fpn_1x");
        Assert.Null(baseline.Model.AsTwoStage().DynamicRcnn);
        Assert.Equal(0.7, baseline.Model.AsTwoStage().Rpn.TrainProposals.NmsIou);
        Assert.Equal(0.85, dynamic.Model.AsTwoStage().Rpn.TrainProposals.NmsIou);
        Assert.Equal(0.85, dynamic.Model.AsTwoStage().Rpn.TestProposals.NmsIou);
        Assert.Equal(BoxLossKind.SmoothL1, dynamic.Model.AsTwoStage().RoiHead.LossBox.Type);
        Assert.Equal(75, dynamic.Model.AsTwoStage().DynamicRcnn!.IouTopK);
        Assert.Equal(1000, dynamic.Model.AsTwoStage().Rpn.TrainProposals.MaxPerImage); // inherited
        Assert.Equal("dynamic_rcnn_r50_fpn_1x", dynamic.Name);
    }

    [Fact]
    public void Dotted_overrides_set_numbers_lists_and_nested_sections()
    {
        var c = ConfigLoader.Load("faster_rcnn_r50_fpn_1x",
            ["train.lr=0.01", "model.rpn.anchor.ratios=[1.0]", "model.dynamic_rcnn.iou_topk=50", "data.train=synthetic:images=10"]);
        Assert.Equal(0.01, c.Train.Lr);
        Assert.Equal([1.0], c.Model.AsTwoStage().Rpn.Anchor.Ratios);
        Assert.Equal(50, c.Model.AsTwoStage().DynamicRcnn!.IouTopK);
        Assert.Equal(100, c.Model.AsTwoStage().DynamicRcnn!.UpdateInterval); // other keys of a created section keep their defaults
        Assert.Equal("synthetic:images=10", c.Data.Train);
    }

    [Fact]
    public void Unknown_keys_and_bad_values_are_one_line_errors_naming_the_key()
    {
        var e = Assert.Throws<InputException>(() => ConfigLoader.Load("faster_rcnn_r50_fpn_1x", ["model.rpn.nms_iuo=0.5"]));
        Assert.StartsWith("config model.rpn.nms_iuo: unknown key", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InputException>(() => ConfigLoader.Load("faster_rcnn_r50_fpn_1x", ["train.lr=fast"]));
        Assert.Contains("train.lr", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InputException>(() => ConfigLoader.Load("no_such_preset"));
        Assert.Contains("faster_rcnn_r50_fpn_1x", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_file_can_name_a_preset_as_its_base_and_round_trips_through_json()
    {
        string path = Path.Combine(Path.GetTempPath(), $"dyndet-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "_base_": "dynamic_rcnn_r50_fpn_1x", "train": { "max_iters": 300, "steps": [200] } }""");
        try
        {
            var c = ConfigLoader.Load(path);
            Assert.Equal(300, c.Train.MaxIters);
            Assert.Equal(0.85, c.Model.AsTwoStage().Rpn.TestProposals.NmsIou);
            var again = ConfigLoader.FromJson(ConfigLoader.ToJson(c), "round trip");
            Assert.Equal(ConfigLoader.ToJson(c), ConfigLoader.ToJson(again));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_list_of_bases_merges_in_order_and_the_file_wins()
    {
        using var folder = new TempFolder();
        folder.Write("schedule.json", """{ "train": { "max_iters": 300, "steps": [200], "lr": 0.01 } }""");
        folder.Write("data.json", """{ "train": { "lr": 0.005 }, "data": { "images_per_batch": 4 } }""");
        string path = folder.Write("run.json", """{ "_base_": ["faster_rcnn_r18_cpu", "schedule.json", "data.json"], "data": { "workers": 1 } }""");
        var c = ConfigLoader.Load(path);
        Assert.Equal(300, c.Train.MaxIters);
        Assert.Equal(0.005, c.Train.Lr);            // the later base wins over the earlier
        Assert.Equal(4, c.Data.ImagesPerBatch);
        Assert.Equal(1, c.Data.Workers);            // the file wins over its bases
        Assert.Equal("run", c.Name);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(ConfigLoader.Load("faster_rcnn_r18_cpu").Model, ConfigLoader.JsonOptions),
            System.Text.Json.JsonSerializer.Serialize(c.Model, ConfigLoader.JsonOptions));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[\"faster_rcnn_r18_cpu\", 3]")]
    public void A_base_that_is_not_a_name_or_a_list_of_names_is_refused(string value)
    {
        using var folder = new TempFolder();
        string path = folder.Write("bad.json", $$"""{ "_base_": {{value}} }""");
        var e = Assert.Throws<InputException>(() => ConfigLoader.Load(path));
        Assert.Equal("config bad: '_base_' must be a preset name or a file path (a string), or a non-empty list of them", e.Message);
    }
}
