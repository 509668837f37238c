using DynDet.Models.DenseHeads;
using DynDet.Tests.Assignment;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Models.DenseHeads;

public sealed class AnchorGeneratorTests : TorchTest
{
    private static readonly (long Height, long Width)[] FpnSizes = [(56, 80), (28, 40), (14, 20), (7, 10), (4, 5)];

    [Fact]
    public void Stride_4_scale_8_anchors_at_locations_0_0_and_1_0_are_hand_computed()
    {
        using var scope = Engine.NewDisposeScope();
        using var generator = new AnchorGenerator(new AnchorGeneratorOptions { Strides = [4] });
        Assert.Equal(3, generator.NumBaseAnchors(0));
        var anchors = generator.GridAnchors([(1, 2)], Device.Cpu)[0];
        // ratio 0.5 (h/w): w = 4·√2·8 = 45.2548, h = 22.6274; ratio 1: 32 × 32; ratio 2: 22.6274 × 45.2548;
        // location-major: 3 anchors at x = 0, then 3 at x = 4 (stride 4).
        const float a = 22.627417f, b = 11.313708f;
        var expected = Tensor.FromArray(new float[]
        {
            -a, -b, a, b, -16, -16, 16, 16, -b, -a, b, a,
            4 - a, -b, 4 + a, b, -12, -16, 20, 16, 4 - b, -a, 4 + b, a,
        }, 6, 4);
        TensorAssert.Close(expected, anchors, 1e-5, 1e-6);
    }

    [Fact]
    public void MMDetection_style_equals_its_anchor_generator_bit_for_bit()
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("anchors");
        using var frcnn = new AnchorGenerator(AnchorGeneratorOptions.FasterRcnn);
        var levels = frcnn.GridAnchors(FpnSizes, Device.Cpu);
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(f[$"mm_frcnn_{l}"], levels[l], 0, 0, $"faster r-cnn level {l}");
        }

        using var retina = new AnchorGenerator(AnchorGeneratorOptions.RetinaNet);
        Assert.Equal(9, retina.NumBaseAnchors(0));
        levels = retina.GridAnchors([(28, 40), (14, 20), (7, 10), (4, 5), (2, 3)], Device.Cpu);
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(f[$"mm_retina_{l}"], levels[l], 0, 0, $"retinanet level {l}");
        }

        using var offset = new AnchorGenerator(new AnchorGeneratorOptions
        {
            Strides = [8, 16],
            Scales = [4, 6],
            ScaleMajor = false,
            CenterOffset = 0.5,
        });
        levels = offset.GridAnchors([(5, 7), (3, 4)], Device.Cpu);
        TensorAssert.Close(f["mm_offset_0"], levels[0], 0, 0, "scale-major off, centre offset 0.5, level 0");
        TensorAssert.Close(f["mm_offset_1"], levels[1], 0, 0, "level 1");
    }

    [Fact]
    public void TorchVision_style_with_its_strides_equals_its_anchor_generator()
    {
        using var scope = Engine.NewDisposeScope();
        var f = AssignFixtures.Load("anchors");
        var strides = AnchorGenerator.TorchVisionStrides((224, 320), FpnSizes);
        Assert.Equal((56L, 64L), strides[4]); // P6: 224 // 4 = 56, not 64
        using var frcnn = new AnchorGenerator(AnchorGeneratorOptions.TorchVisionFasterRcnn);
        var levels = frcnn.GridAnchors(FpnSizes, Device.Cpu, strides);
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(f[$"tv_frcnn_{l}"], levels[l], 0, 0, $"torchvision faster r-cnn level {l}");
        }

        using var retina = new AnchorGenerator(AnchorGeneratorOptions.TorchVisionFasterRcnn with
        {
            Sizes = [[32, 40, 50], [64, 80, 101], [128, 161, 203], [256, 322, 406], [512, 645, 812]],
        });
        levels = retina.GridAnchors(FpnSizes, Device.Cpu, strides);
        for (int l = 0; l < 5; l++)
        {
            TensorAssert.Close(f[$"tv_retina_{l}"], levels[l], 0, 0, $"torchvision retinanet level {l}");
        }

        // The only difference in the base anchors: torchvision rounds them (half to even).
        using var mm = new AnchorGenerator();
        TensorAssert.Close(mm.BaseAnchors(0).Round(), frcnn.BaseAnchors(0), 0, 0);
        Assert.Equal((61L, 64L), AnchorGenerator.TorchVisionStrides((800, 1216), [(13, 19)])[0]);
    }

    [Fact]
    public void Cached_grids_survive_the_callers_scope_and_are_released_by_dispose()
    {
        using var generator = new AnchorGenerator();
        Tensor first;
        using (var scope = Engine.NewDisposeScope())
        {
            var levels = generator.GridAnchors(FpnSizes, Device.Cpu);
            first = levels[0].Clone().DetachFromDisposeScope();
            foreach (var t in levels)
            {
                t.Dispose(); // the caller's handles; the cache keeps its own
            }
        }

        Assert.Equal(5 + 1, Engine.LiveTensors); // the cache and 'first'
        using (var scope = Engine.NewDisposeScope())
        {
            var again = generator.GridAnchors(FpnSizes, Device.Cpu);
            Assert.True(first.Equal(again[0]));
            Assert.Equal([56L * 80 * 3, 4], again[0].Shape);
            Assert.Equal(5 + 1 + 5, Engine.LiveTensors); // cache, 'first', and these handles: no new grids
        }

        first.Dispose();
        generator.Dispose();
        Assert.Equal(0, Engine.LiveTensors);
        Assert.Throws<ObjectDisposedException>(() => generator.GridAnchors(FpnSizes, Device.Cpu));
    }

    [Fact]
    public void Invalid_options_and_level_counts_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new AnchorGenerator(new AnchorGeneratorOptions { OctaveBaseScale = 4, ScalesPerOctave = 3 }));
        Assert.Throws<ArgumentException>(() => new AnchorGenerator(new AnchorGeneratorOptions { Ratios = [] }));
        using var generator = new AnchorGenerator();
        Assert.Throws<ArgumentException>(() => generator.GridAnchors([(4, 4)], Device.Cpu));
    }
}
