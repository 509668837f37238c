using DynDet.TestSupport;
using DynDet.Torch.NN;

namespace DynDet.Torch.Tests;

/// <summary>GroupNorm(32, 256), the norm of the FCOS/ATSS/GFL head towers, against torch.nn.GroupNorm.</summary>
public sealed class GroupNormParityTests : TorchTest
{
    [Fact]
    public void GroupNorm_32_256_matches_torch_forward_backward_and_state_dict_names()
    {
        using var scope = Engine.NewDisposeScope();
        var t = FixturePack.Load(TestPaths.Fixture("onestage_losses", "groupnorm.pack"));
        using var gn = new GroupNorm(32, 256);
        Assert.Equal(["weight", "bias"], gn.StateDict().Select(e => e.Key).ToArray());
        Assert.Equal(["weight", "bias"], gn.NamedParameters().Select(e => e.Key).ToArray());
        gn.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = t["sd.weight"], ["bias"] = t["sd.bias"] });

        var x = t["x"].RequiresGrad_();
        var y = gn.Forward(x);
        TensorAssert.Close(t["y"], y, 1e-5, 1e-5, "forward");
        (y * t["upstream"]).Sum().Backward();
        TensorAssert.Close(t["grad.x"], x.Grad!, 1e-5, 1e-4, "input gradient");
        TensorAssert.Close(t["grad.weight"], gn.Weight.Grad!, 1e-4, 1e-4, "weight gradient");
        TensorAssert.Close(t["grad.bias"], gn.Bias.Grad!, 1e-4, 1e-4, "bias gradient");
    }

    [Fact]
    public void Prior_probability_bias_is_mmcv_bias_init_with_prob()
    {
        // mmcv: −ln((1 − p) / p); p = 0.01 gives the −4.595 of RetinaNet, FCOS, ATSS and GFL cls convs (SPEC §3)
        Assert.Equal(-4.59511985013459, Init.BiasForPriorProbability(0.01), 12);
        Assert.Equal(0.0, Init.BiasForPriorProbability(0.5), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.BiasForPriorProbability(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.BiasForPriorProbability(1));
    }
}
