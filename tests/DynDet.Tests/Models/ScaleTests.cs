using DynDet.Models.Layers;
using DynDet.Tests.Losses;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models;

public sealed class ScaleTests : TorchTest
{
    [Fact]
    public void Scale_matches_mmcv_state_dict_forward_and_gradients()
    {
        using var scope = Engine.NewDisposeScope();
        var f = OneStageLossFixtures.Load("scale");
        using var fresh = new Scale();
        var entry = Assert.Single(fresh.StateDict());
        Assert.Equal("scale", entry.Key);
        TensorAssert.Close(f["default.scale"], entry.Value, 0, 0, "default value, 0-d like mmcv's");

        using var scale = new Scale(1.5);
        TensorAssert.Close(f["sd.scale"], scale.Value, 0, 0, "state dict");
        var x = f["x"].RequiresGrad_();
        var y = scale.Forward(x);
        TensorAssert.Close(f["y"], y, 0, 0, "forward");
        (y * f["upstream"]).Sum().Backward();
        TensorAssert.Close(f["grad.x"], OneStageLossFixtures.GradOf(x), 0, 0, "input gradient");
        TensorAssert.Close(f["grad.scale"], OneStageLossFixtures.GradOf(scale.Value), 1e-6, 1e-6, "scale gradient");

        // it loads mmcv's key, and refuses a value that is not finite
        using var loaded = new Scale();
        loaded.LoadStateDict(new Dictionary<string, Tensor> { ["scale"] = f["sd.scale"] });
        Assert.Equal(1.5, loaded.Value.ToDouble());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scale(double.NaN));
    }
}
