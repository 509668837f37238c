using DynDet.TestSupport;
using DynDet.Torch.NN;
using DynDet.Torch.Optim;

namespace DynDet.Torch.Tests;

/// <summary>Gradients and optimizer steps of a small network against PyTorch, from the same weights.</summary>
public sealed class TrainingParityTests : TorchTest
{
    private static Dictionary<string, Tensor> Prefixed(Dictionary<string, Tensor> pack, string prefix) =>
        pack.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Key[prefix.Length..], e => e.Value);

    [Fact]
    public void Gradients_and_running_statistics_match_pytorch()
    {
        using var scope = Engine.NewDisposeScope();
        var t = FixturePack.Load(TestPaths.Fixture("engine", "smallnet_grad.pack"));
        using var net = new SmallNet();
        net.LoadStateDict(Prefixed(t, "init."));
        var loss = Functional.CrossEntropy(net.Forward(t["x"]), t["target"]);
        loss.Backward();
        TensorAssert.Close(t["loss"], loss, 1e-6);
        foreach (var (name, p) in net.NamedParameters())
        {
            TensorAssert.Close(t["grad." + name], p.Grad!, 1e-6, 1e-4, name);
        }

        foreach (var (name, expected) in Prefixed(t, "after."))
        {
            var actual = net.StateDict().Single(e => e.Key == name).Value;
            TensorAssert.Close(expected, actual, 1e-6, 1e-5, name);
        }
    }

    [Fact]
    public void Three_sgd_steps_with_momentum_weight_decay_and_groups_match_pytorch()
    {
        using var scope = Engine.NewDisposeScope();
        var t = FixturePack.Load(TestPaths.Fixture("engine", "smallnet_sgd.pack"));
        Engine.ManualSeed(1);
        using var net = new SmallNet(); // same seed, same construction order: same weights as torch
        static bool Decays(string n) => n.EndsWith("weight", StringComparison.Ordinal) && !n.StartsWith("bn", StringComparison.Ordinal) && !n.StartsWith("gn", StringComparison.Ordinal);
        var named = net.NamedParameters().ToList();
        using var sgd = new Sgd(
        [
            new ParameterGroup(named.Where(p => Decays(p.Key)).Select(p => p.Value), 0.05, 1e-4, "decay"),
            new ParameterGroup(named.Where(p => !Decays(p.Key)).Select(p => p.Value), 0.05, 0, "no_decay"),
        ], momentum: 0.9);
        for (int step = 0; step < 3; step++)
        {
            using var stepScope = Engine.NewDisposeScope();
            sgd.ZeroGrad();
            var loss = Functional.CrossEntropy(net.Forward(t["x"]), t["target"]);
            loss.Backward();
            sgd.Step();
            TensorAssert.Close(t[$"loss{step}"], loss, 1e-6, 1e-5, $"loss at step {step}");
        }

        foreach (var (name, tensor) in net.StateDict())
        {
            TensorAssert.Close(t["final." + name], tensor, 1e-6, 1e-5, name);
        }
    }

    [Fact]
    public void Warmup_multistep_schedule_follows_mmcv()
    {
        var s = new WarmupMultiStepSchedule([8, 11], 0.1, WarmupKind.Linear, 4, 0.001);
        Assert.Equal(0.001, s.Factor(0), 12);
        Assert.Equal(1 - 0.999 * 0.5, s.Factor(2), 12);
        Assert.Equal(1, s.Factor(4), 12);
        Assert.Equal(0.1, s.Factor(8), 12);
        Assert.Equal(0.01, s.Factor(11), 12);
        var constant = new WarmupMultiStepSchedule([100], 0.1, WarmupKind.Constant, 10, 1.0 / 3);
        Assert.Equal(1.0 / 3, constant.Factor(9), 12);
        Assert.Equal(1, constant.Factor(10), 12);
    }

    [Fact]
    public void Gradient_clipping_scales_to_the_max_norm()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensor.FromArray(new float[] { 3, 0 }).RequiresGrad_();
        var b = Tensor.FromArray(new float[] { 0, 4 }).RequiresGrad_();
        (a.Sum() * 3 + b.Sum() * 4).Backward(); // grads (3,3) and (4,4): norm sqrt(50)
        double norm = GradientClipping.ClipGradNorm([a, b], 1.0).ToDouble();
        Assert.Equal(Math.Sqrt(50), norm, 5);
        using var ga = a.Grad!;
        using var gb = b.Grad!;
        Assert.Equal(1.0, Math.Sqrt(ga.Square().Sum().ToDouble() + gb.Square().Sum().ToDouble()), 4);
    }
}
