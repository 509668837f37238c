using DynDet.Losses;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Losses;

/// <summary>
/// QFL and VFL against MMDetection's <c>quality_focal_loss</c> and <c>varifocal_loss</c> and the authors' GFL-form loss
/// (transcribed in tests/fixtures/gen_dynamic_atss.py), plus hand values from SPEC §6.2 and §6.4.
/// </summary>
public sealed class SoftTargetLossTests : TorchTest
{
    private static Dictionary<string, Tensor> Load() => FixturePack.Load(TestPaths.Fixture("dynamic_atss", "dynamic_atss.pack"));

    [Theory]
    [InlineData(2.0, "qfl_rows")]
    [InlineData(1.0, "qfl_rows_beta1")]
    public void Qfl_equals_mmdetections_quality_focal_loss(double beta, string expected)
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        var rows = new QualityFocalLoss(beta).Elementwise(f["loss_logits"], f["loss_labels"], f["loss_scores"], f["loss_weights"]).Sum(1);
        TensorAssert.Close(f[expected], rows, 1e-6, 1e-5, expected);
    }

    [Fact]
    public void Qfl_equals_the_dla_codes_gfl_form()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        var labels = f["loss_labels"];
        var total = new QualityFocalLoss().Elementwise(f["dla_logits"], labels, f["loss_scores"]).Sum();
        TensorAssert.Close(f["dla_qfl"], total.Reshape(1), 1e-4, 1e-5, "dla qfl");
        TensorAssert.Close(f["mm_qfl_on_dla"], total.Reshape(1), 1e-4, 1e-5, "mmdet qfl");
    }

    [Fact]
    public void Vfl_equals_mmdetections_varifocal_loss()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        var vfl = new VarifocalLoss().Elementwise(f["loss_logits"], f["loss_labels"], f["loss_scores"], f["loss_weights"]);
        TensorAssert.Close(f["vfl_elements"], vfl, 1e-6, 1e-5, "vfl");
        var plain = new VarifocalLoss(0.5, 1.5, iouWeighted: false).Elementwise(f["loss_logits"], f["loss_labels"], f["loss_scores"],
            f["loss_weights"]);
        TensorAssert.Close(f["vfl_elements_unweighted_pos"], plain, 1e-6, 1e-5, "vfl without iou weighting");
    }

    [Fact]
    public void Vfl_with_alpha_075_equals_the_dla_codes_commented_vfl_with_alpha_025()
    {
        using var scope = Engine.NewDisposeScope();
        var f = Load();
        // The fixture's one positive with q = 0 (row 3) is a positive for the DLA form (its loss is 0 · BCE) and a
        // negative for MMDetection's; compare the rows apart from it, and that row's difference by hand.
        var logits = f["dla_logits"];
        var labels = f["loss_labels"];
        var total = new VarifocalLoss(0.75).Elementwise(logits, labels, f["loss_scores"]).Sum();
        var row3 = logits.Select(0, 3);
        var p = row3.Select(0, 1).Sigmoid();
        // MMDetection's extra term at (3, 1): α · p^γ · BCE(x, 0) = 0.75 · p² · softplus(x).
        var extra = 0.75 * p.Pow(2) * (1.0 + row3.Select(0, 1).Exp()).Log();
        TensorAssert.Close(f["dla_vfl"], (total - extra).Reshape(1), 1e-4, 1e-5, "dla vfl");
    }

    [Fact]
    public void Qfl_by_hand_negative_and_positive_entries()
    {
        using var scope = Engine.NewDisposeScope();
        // x = 0 (p = 0.5): a negative entry BCE(0, 0)·0.5² = ln2/4; the positive entry with q = 0.8:
        // BCE(0, 0.8)·|0.8 − 0.5|² = ln2 · 0.09.
        var logits = Tensor.Zeros(1, 2);
        var loss = new QualityFocalLoss().Elementwise(logits, Tensor.FromArray(new long[] { 1 }), Tensor.FromArray(new float[] { 0.8f }));
        Assert.Equal(Math.Log(2) / 4, loss.ToArray<float>()[0], 6);
        Assert.Equal(Math.Log(2) * 0.09, loss.ToArray<float>()[1], 6);
    }

    [Fact]
    public void Vfl_by_hand_positives_weigh_by_their_target_and_negatives_by_alpha_p_gamma()
    {
        using var scope = Engine.NewDisposeScope();
        var logits = Tensor.Zeros(1, 2);
        var loss = new VarifocalLoss().Elementwise(logits, Tensor.FromArray(new long[] { 1 }), Tensor.FromArray(new float[] { 0.8f }));
        Assert.Equal(0.75 * 0.25 * Math.Log(2), loss.ToArray<float>()[0], 6);
        Assert.Equal(0.8 * Math.Log(2), loss.ToArray<float>()[1], 6);
    }
}
