using DynDet.Assignment;
using DynDet.Config;
using DynDet.Models.Detectors;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

/// <summary>
/// The assigners the presets really build, taken from the detector's heads, against torchvision's
/// <c>Matcher</c> and MMDetection's <c>MaxIoUAssigner</c> on the hard cases of tests/fixtures/gen_matcher.py.
/// </summary>
public sealed class PresetAssignerTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b"];

    /// <summary>The cases of gen_matcher.py; each asserts there that it has the property it is named for.</summary>
    public static TheoryData<string> Cases() => ["low_best", "ties", "cross", "zero_best", "anchors", "empty"];

    // Small widths keep the build fast; they do not touch the assigners.
    private static TwoStageDetector Build(string preset) => TestDetectors.TwoStage(ConfigLoader.Load(preset,
    [
        "model.num_classes=0", "model.backbone.width=0.25", "model.neck.out_channels=16", "model.roi_head.fc_channels=16",
    ]), Classes);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Torchvision_preset_rpn_assigner_equals_torchvisions_low_quality_matcher(string name)
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("matcher");
        using var model = Build("fasterrcnn_r18");
        using var result = new MaxIouAssigner(model.RpnHead.AssignerOptions).Assign(f[name + "_anchors"], f[name + "_gts"]);
        AssignFixtures.SameLongs(f[name + "_rpn"], result.ToMatcherIndices(), $"{name}: Matcher(0.7, 0.3, True)");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Torchvision_preset_rcnn_assigner_equals_torchvisions_roi_head_matcher(string name)
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("matcher");
        using var model = Build("fasterrcnn_r18");
        var options = model.RoiHead.AssignerOptions;
        Assert.False(options.MatchLowQuality);
        using var result = new MaxIouAssigner(options).Assign(f[name + "_anchors"], f[name + "_gts"]);
        AssignFixtures.SameLongs(f[name + "_rcnn"], result.ToMatcherIndices(), $"{name}: Matcher(0.5, 0.5, False)");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mmdetection_preset_rpn_assigner_keeps_mmdetections_rule(string name)
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("matcher");
        using var model = Build("faster_rcnn_r18_cpu");
        Assert.Equal(LowQualityMatch.MMDetection, model.RpnHead.AssignerOptions.LowQualityMatch);
        using var result = new MaxIouAssigner(model.RpnHead.AssignerOptions).Assign(f[name + "_anchors"], f[name + "_gts"]);
        AssignFixtures.SameLongs(f[name + "_mm_rpn_gt_inds"], result.GtIndices, $"{name}: MMDetection's MaxIoUAssigner");
    }

    [Fact]
    public void The_two_rules_part_on_the_cross_case()
    {
        // Guards the fixture: were MMDetection's and torchvision's answers equal there, the tests above could
        // not tell the rules apart.
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("matcher");
        Assert.Equal(0, AssignFixtures.At(f["cross_rpn"], 0));
        Assert.Equal(2, AssignFixtures.At(f["cross_mm_rpn_gt_inds"], 0));
    }
}
