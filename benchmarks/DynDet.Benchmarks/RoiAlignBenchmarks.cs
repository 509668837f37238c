using BenchmarkDotNet.Attributes;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Benchmarks;

/// <summary>
/// RoIAlign in a Faster R-CNN training step at 320², batch 2: FPN levels P2–P5 (256 channels, 80², 40², 20², 10²),
/// 1024 RoIs mapped to levels by torchvision's rule, 7×7 output; DynDet's native kernel against torchvision's op,
/// forward alone and forward + backward, 2 threads.
/// Run: <c>dotnet run -c Release --project benchmarks/DynDet.Benchmarks -- --filter '*RoiAlign*'</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class RoiAlignBenchmarks
{
    private const int RoiCount = 1024;
    private Tensor[] _features = null!;
    private Tensor?[] _rois = null!;
    private Tensor?[] _upstream = null!;

    /// <summary>The kernel.</summary>
    [Params(RoiAlignImplementation.Native, RoiAlignImplementation.TorchVision)]
    public RoiAlignImplementation Implementation { get; set; }

    /// <summary>torchvision's setting (sampling 2, not aligned) or MMDetection's (adaptive, aligned).</summary>
    [Params("sr2", "sr0-aligned")]
    public string Setting { get; set; } = "sr2";

    private long SamplingRatio => Setting == "sr2" ? 2 : 0;

    private bool Aligned => Setting != "sr2";

    /// <summary>Makes the features and the RoIs of each level.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Engine.NumThreads = 2;
        Engine.ManualSeed(0);
        _features = Enumerable.Range(0, 4).Select(l => Tensor.Randn(2, 256, 80 >> l, 80 >> l).RequiresGrad_()).ToArray();
        var random = new Random(0);
        var perLevel = Enumerable.Range(0, 4).Select(_ => new List<float>()).ToArray();
        for (int k = 0; k < RoiCount; k++)
        {
            double x = random.NextDouble() * 250, y = random.NextDouble() * 250;
            double w = random.NextDouble() * 120 + 4, h = random.NextDouble() * 120 + 4;
            int level = Math.Clamp((int)Math.Floor(4 + Math.Log2(Math.Sqrt(w * h) / 224 + 1e-6)), 2, 5) - 2;
            perLevel[level].AddRange([k / 512, (float)x, (float)y, (float)(x + w), (float)(y + h)]);
        }

        _rois = perLevel.Select(d => d.Count == 0 ? null : Tensor.FromArray(d.ToArray(), d.Count / 5, 5)).ToArray();
        _upstream = _rois.Select(r => r is null ? null : Tensor.Ones(r.Size(0), 256, 7, 7)).ToArray();
    }

    /// <summary>Releases the tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in _features.Concat(_rois).Concat(_upstream))
        {
            t?.Dispose();
        }
    }

    /// <summary>Forward over the four levels, without autograd.</summary>
    [Benchmark]
    public void Forward()
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        for (int l = 0; l < 4; l++)
        {
            if (_rois[l] is { } rois)
            {
                Functional.RoiAlign(_features[l], rois, 1.0 / (4 << l), 7, 7, SamplingRatio, Aligned, Implementation);
            }
        }
    }

    /// <summary>Forward and backward over the four levels (upstream gradient of ones).</summary>
    [Benchmark]
    public void ForwardBackward()
    {
        using var scope = Engine.NewDisposeScope();
        for (int l = 0; l < 4; l++)
        {
            if (_rois[l] is { } rois)
            {
                _features[l].Grad = null;
                Functional.RoiAlign(_features[l], rois, 1.0 / (4 << l), 7, 7, SamplingRatio, Aligned, Implementation)
                    .Backward(_upstream[l]);
            }
        }
    }
}
