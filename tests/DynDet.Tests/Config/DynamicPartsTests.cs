using DynDet.Config;

namespace DynDet.Tests.Config;

public sealed class DynamicPartsTests
{
    [Theory]
    [InlineData("faster_rcnn_r18_cpu", new string[0])]
    [InlineData("atss_r18_cpu", new string[0])]
    [InlineData("dynamic_rcnn_r18_cpu", new[] { "model.dynamic_rcnn" })]
    [InlineData("faster_rcnn_r18_cpu_rlo", new[] { "model.rpn.balancer", "model.roi_head.balancer" })]
    [InlineData("retinanet_r18_cpu_avw", new[] { "model.bbox_head.balancer" })]
    [InlineData("dynamic_atss_r18_cpu", new[] { "model.bbox_head.assigner.combined_ious" })]
    public void Strip_names_the_dynamic_parts_of_each_preset_and_leaves_none(string preset, string[] parts)
    {
        var config = ConfigLoader.Load(preset, []);
        var (baseline, removed) = DynamicParts.Strip(config);
        Assert.Equal(parts, removed);
        Assert.Equal(parts, DynamicParts.Of(config));
        Assert.Empty(DynamicParts.Of(baseline));
        ConfigValidator.Validate(baseline);
    }

    [Fact]
    public void Strip_changes_nothing_but_the_dynamic_parts()
    {
        var config = ConfigLoader.Load("dynamic_atss_r18_cpu", ["model.bbox_head.assigner.balance=d_up"]);
        var (baseline, _) = DynamicParts.Strip(config);
        var head = Assert.IsType<AtssModelConfig>(config.Model).BboxHead;
        var stripped = Assert.IsType<AtssModelConfig>(baseline.Model).BboxHead;
        Assert.False(stripped.Assigner.CombinedIous);
        Assert.Equal(CombinedIouBalance.Sum, stripped.Assigner.Balance);
        Assert.Equal(head with { Assigner = stripped.Assigner }, stripped);
        Assert.Equal(config with { Model = baseline.Model }, baseline);
    }
}
