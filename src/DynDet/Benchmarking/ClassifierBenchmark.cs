using DynDet.Models.Backbones;
using DynDet.Torch;
using DynDet.Torch.NN;
using DynDet.Torch.Optim;

namespace DynDet.Benchmarking;

/// <summary>
/// Times a ResNet classification training step (forward, cross-entropy, backward, SGD with momentum 0.9) and an
/// inference forward, as <c>benchmarks/peer/classifier_bench.py</c> times torchvision's: the same seeds, the same
/// random batch, the same optimizer; the engine's overhead against PyTorch's on a pure network.
/// </summary>
public sealed class ClassifierBenchmark : IDisposable
{
    private readonly ResNet _model;
    private readonly Sgd _optimizer;
    private readonly Tensor _images;
    private readonly Tensor _labels;

    /// <summary>Builds ResNet-<paramref name="depth"/> (seed 0) and a random batch (seed 1).</summary>
    public ClassifierBenchmark(int depth, int size, int batch)
    {
        Engine.ManualSeed(0);
        _model = new ResNet(new ResNetOptions { Depth = depth, NumClasses = 1000 });
        Engine.ManualSeed(1);
        _images = Tensor.Rand(batch, 3, size, size).DetachFromDisposeScope();
        _labels = Tensor.RandInt(0, 1000, batch).DetachFromDisposeScope();
        _optimizer = new Sgd(_model.Parameters(), 0.001, 0.9);
    }

    /// <summary>One training step.</summary>
    public void TrainStep()
    {
        _model.Train();
        using var scope = Engine.NewDisposeScope();
        var loss = Functional.CrossEntropy(_model.Classify(_images), _labels);
        _optimizer.ZeroGrad();
        loss.Backward();
        _optimizer.Step();
    }

    /// <summary>One inference forward.</summary>
    public void InferStep()
    {
        _model.Eval();
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        _ = _model.Classify(_images);
    }

    /// <summary>One warm-up each, then the mean of <paramref name="iterations"/> timed runs.</summary>
    public BenchmarkResult Measure(int iterations)
    {
        TrainStep();
        double train = StepBenchmark.Time(TrainStep, iterations);
        InferStep();
        double infer = StepBenchmark.Time(InferStep, iterations);
        return new BenchmarkResult(train, infer);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _model.Dispose();
        _optimizer.Dispose();
        _images.Dispose();
        _labels.Dispose();
    }
}
