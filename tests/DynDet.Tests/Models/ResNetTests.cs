using DynDet.Models.Backbones;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Torch.NN;
using DynDet.Torch.Serialization;

namespace DynDet.Tests.Models;

public sealed class ResNetTests : TorchTest
{
    [Fact]
    public void Seed_zero_construction_equals_torchvision_resnet18_tensor_by_tensor()
    {
        using var scope = Engine.NewDisposeScope();
        var sums = FixturePack.Load(TestPaths.Fixture("engine", "resnet18_init.pack"));
        Engine.ManualSeed(0);
        using var net = new ResNet(new ResNetOptions { Depth = 18, NumClasses = 1000 });
        var state = net.StateDict().ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(sums.Keys.Order(), state.Where(e => e.Value.Dtype.IsFloatingPoint()).Select(e => e.Key).Order());
        foreach (var (name, expected) in sums)
        {
            var actual = state[name].To(ScalarType.Float64).Sum().Reshape(1);
            TensorAssert.Close(expected, actual, 1e-9, 1e-9, name);
        }
    }

    [Fact]
    public void Torchvision_resnet50_state_dict_loads_by_name_and_the_forward_matches_to_1e4()
    {
        using var scope = Engine.NewDisposeScope();
        var io = FixturePack.Load(TestPaths.Fixture("engine", "resnet50_io.pack"));
        using var net = new ResNet(new ResNetOptions { Depth = 50, NumClasses = 1000 });
        string path = TestPaths.Fixture("engine", "resnet50.pth");
        using (var state = TorchSerializer.LoadStateDict(path))
        {
            Assert.True(net.LoadStateDict(state, strict: true, source: path).IsExact);
        }

        net.Eval();
        using var noGrad = Engine.NoGrad();
        TensorAssert.Close(io["logits"], net.Classify(io["x"]), 1e-4, 0, "logits");
        var maps = net.Forward(io["x"]);
        string[] names = ["c2", "c3", "c4", "c5"];
        for (int i = 0; i < 4; i++)
        {
            TensorAssert.Close(io[names[i]], maps[i], 1e-4, 0, names[i]);
        }
    }

    [Theory]
    [InlineData(18, 1.0, new[] { 64, 128, 256, 512 })]
    [InlineData(50, 1.0, new[] { 256, 512, 1024, 2048 })]
    [InlineData(18, 0.25, new[] { 16, 32, 64, 128 })]
    public void Outputs_c2_to_c5_at_strides_4_to_32(int depth, double width, int[] channels)
    {
        using var scope = Engine.NewDisposeScope();
        using var net = new ResNet(new ResNetOptions { Depth = depth, WidthMultiplier = width });
        net.Eval();
        Assert.Equal(channels, net.OutChannels);
        using var noGrad = Engine.NoGrad();
        var maps = net.Forward(Tensor.Rand(1, 3, 64, 96));
        Assert.Equal(4, maps.Length);
        for (int i = 0; i < 4; i++)
        {
            long stride = 4L << i;
            Assert.Equal(new long[] { 1, channels[i], 64 / stride, 96 / stride }, maps[i].Shape);
        }
    }

    [Fact]
    public void Frozen_stages_and_norm_eval_keep_parameters_and_statistics_fixed()
    {
        using var scope = Engine.NewDisposeScope();
        using var net = new ResNet(new ResNetOptions { Depth = 18, WidthMultiplier = 0.25, FrozenStages = 1, NormEval = true });
        net.Train();
        var trainable = net.NamedTrainableParameters().Select(p => p.Key).ToList();
        Assert.DoesNotContain(trainable, n => n.StartsWith("conv1", StringComparison.Ordinal) || n.StartsWith("bn1", StringComparison.Ordinal) || n.StartsWith("layer1", StringComparison.Ordinal));
        Assert.Contains("layer2.0.conv1.weight", trainable);
        Assert.Contains("layer2.0.bn1.weight", trainable); // norm_eval keeps affine parameters trainable
        var mean = net.StateDict().Single(e => e.Key == "layer3.0.bn1.running_mean").Value.Clone();
        _ = net.Forward(Tensor.Rand(2, 3, 64, 64)); // a training-mode forward
        var after = net.StateDict().Single(e => e.Key == "layer3.0.bn1.running_mean").Value;
        Assert.True(mean.Equal(after), "norm_eval must keep running statistics fixed");
    }

    [Fact]
    public void Frozen_batch_norm_ignores_num_batches_tracked_and_reports_real_mismatches()
    {
        using var scope = Engine.NewDisposeScope();
        using var plain = new ResNet(new ResNetOptions { Depth = 18, WidthMultiplier = 0.25 });
        using var frozen = new ResNet(new ResNetOptions { Depth = 18, WidthMultiplier = 0.25, Norm = NormKind.FrozenBatchNorm });
        var state = plain.StateDict().ToDictionary(e => e.Key, e => e.Value);
        Assert.True(frozen.LoadStateDict(state).IsExact);
        using var wide = new ResNet(new ResNetOptions { Depth = 18, WidthMultiplier = 0.5 });
        var e = Assert.Throws<InputException>(() => wide.LoadStateDict(state, source: "small.pth"));
        Assert.StartsWith("small.pth: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("conv1.weight (model [32, 3, 7, 7], small.pth [16, 3, 7, 7])", e.Message, StringComparison.Ordinal);
        state.Remove("fc.weight");
        using var head = new ResNet(new ResNetOptions { Depth = 18, WidthMultiplier = 0.25, NumClasses = 10 });
        var result = head.LoadStateDict(state, strict: false);
        Assert.Equal(["fc.weight", "fc.bias"], result.MissingKeys);
    }
}
