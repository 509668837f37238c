using System.Diagnostics;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Diagnostics;
using DynDet.Models.Detectors;
using DynDet.Torch;
using DynDet.Torch.Optim;
using DynDet.Training;

namespace DynDet.Benchmarking;

/// <summary>
/// Times a training step (forward + backward + SGD step) and an inference pass on a fixed synthetic batch
/// built exactly as <c>../shared/bench/peer_bench.py</c> builds its own: the same random draws in the same
/// order from libtorch's generator (the same one PyTorch uses), so both peers see identical images and boxes;
/// ImageNet normalisation is part of the timed step, as in torchvision's transform.
/// </summary>
public sealed class StepBenchmark : IDisposable
{
    private static readonly double[] Mean = [0.485, 0.456, 0.406];
    private static readonly double[] Std = [0.229, 0.224, 0.225];
    private readonly BuiltDetector _built;
    private readonly DetectionModel _model;
    private readonly Sgd _optimizer;
    private readonly TrainingStep _step;
    private long _iteration;
    private readonly Tensor _images;
    private readonly Tensor _mean;
    private readonly Tensor _std;
    private readonly List<Tensor> _owned = [];
    private readonly DetectionBatchTemplate _template;

    /// <summary>Builds the model (seed 0, as peer_bench) and the batch (seed 1).</summary>
    public StepBenchmark(DetectorConfig config, int size, int batch)
    {
        ArgumentNullException.ThrowIfNull(config);
        Engine.ManualSeed(0);
        var classes = Enumerable.Range(0, 80).Select(i => $"class{i}").ToArray();
        _built = DetectorFactory.Build(config, classes);
        _model = _built.Model;
        Engine.ManualSeed(1);
        var images = new Tensor[batch];
        for (int i = 0; i < batch; i++)
        {
            images[i] = Tensor.Rand(3, size, size);
        }

        _images = Tensor.Stack(images).DetachFromDisposeScope();
        foreach (var t in images)
        {
            t.Dispose();
        }

        var boxes = new List<Tensor>();
        var labels = new List<Tensor>();
        using (var scope = Engine.NewDisposeScope())
        {
            for (int i = 0; i < batch; i++)
            {
                var xy = Tensor.Rand(8, 2) * (size * 0.7);
                var wh = 16 + Tensor.Rand(8, 2) * (size * 0.3);
                boxes.Add(scope.Detach(Tensor.Cat([xy, (xy + wh).ClampMax(size - 1)], 1)));
                // torchvision's labels 1..79 count the background as 0; DynDet's are 0-based foreground labels.
                labels.Add(scope.Detach(Tensor.RandInt(1, 80, 8) - 1));
            }
        }

        _owned.AddRange(boxes);
        _owned.AddRange(labels);
        _template = new DetectionBatchTemplate(boxes, labels, size);
        _mean = Tensor.FromArray(Mean.Select(v => (float)v).ToArray(), 1, 3, 1, 1);
        _std = Tensor.FromArray(Std.Select(v => (float)v).ToArray(), 1, 3, 1, 1);
        _optimizer = new Sgd(_model.NamedTrainableParameters().Select(p => p.Value), 0.001, 0.9);
        _step = new TrainingStep(_model, _optimizer, _built.Strategies, new TrainingStepOptions
        {
            GradClip = config.Train.GradClip,
            LossWeighting = LevelBalancedLossWeighting.For(_built.Strategies),
            // The config's length when it has one: a schedule inside a head (Dynamic ATSS's D_up) then sits at its start.
            MaxIterations = config.Train.MaxIters ?? int.MaxValue,
        });
    }

    /// <summary>The model.</summary>
    public DetectionModel Model => _model;

    /// <summary>One training step: the trainer's own (<see cref="TrainingStep"/>), with its one host read.</summary>
    public void TrainStep()
    {
        _model.Train();
        using var scope = Engine.NewDisposeScope();
        using var batch = _template.Make((_images - _mean) / _std);
        _ = _step.Run(batch, _iteration++);
    }

    /// <summary>One inference pass.</summary>
    public void InferStep()
    {
        _model.Eval();
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        using var batch = _template.Make((_images - _mean) / _std);
        _ = _model.Predict(batch);
    }

    /// <summary>peer_bench's protocol: one warm-up, then the mean of <paramref name="iterations"/> timed runs.</summary>
    public BenchmarkResult Measure(int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        TrainStep();
        double train = Time(TrainStep, iterations);
        InferStep();
        double infer = Time(InferStep, iterations);
        return new BenchmarkResult(train, infer);
    }

    /// <summary>Mean milliseconds of <paramref name="iterations"/> runs of <paramref name="action"/>.</summary>
    public static double Time(Action action, int iterations)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            action();
        }

        return clock.Elapsed.TotalMilliseconds / iterations;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _built.Dispose();
        _optimizer.Dispose();
        _images.Dispose();
        _mean.Dispose();
        _std.Dispose();
        foreach (var t in _owned)
        {
            t.Dispose();
        }
    }

    /// <summary>Makes batches around fresh image tensors, sharing the fixed targets.</summary>
    private sealed class DetectionBatchTemplate(IReadOnlyList<Tensor> boxes, IReadOnlyList<Tensor> labels, int size)
    {
        public DetectionBatch Make(Tensor images)
        {
            var targets = new DetectionTargets[boxes.Count];
            var metas = new ImageMeta[boxes.Count];
            for (int i = 0; i < boxes.Count; i++)
            {
                targets[i] = new DetectionTargets(boxes[i].Alias().DetachFromDisposeScope(),
                    labels[i].Alias().DetachFromDisposeScope(), Tensor.Zeros([0, 4]).DetachFromDisposeScope());
                metas[i] = new ImageMeta
                {
                    Index = i, ImageId = i, Name = $"bench_{i}", OriginalWidth = size, OriginalHeight = size,
                    Width = size, Height = size, PadWidth = size, PadHeight = size, ScaleX = 1, ScaleY = 1, Flipped = false,
                };
            }

            return new DetectionBatch(images.Alias().DetachFromDisposeScope(), targets, metas, 0, 0, 0)
            {
                Height = size,
                Width = size,
            };
        }
    }
}
