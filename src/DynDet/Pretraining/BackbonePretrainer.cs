using System.Diagnostics;
using System.Globalization;
using DynDet.Data;
using DynDet.Diagnostics;
using DynDet.Models.Backbones;
using DynDet.Torch;
using DynDet.Torch.NN;
using DynDet.Torch.Optim;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet.Pretraining;

/// <summary>
/// Pretrains a detector's ResNet backbone as a classifier of object crops from a detection dataset
/// (<see cref="CropSampler"/>): the analogue, on data without an ImageNet, of the ImageNet initialisation detection
/// papers start from. Cross-entropy, SGD with momentum, linear warm-up then cosine decay; batch norm in training
/// mode. The result is a torchvision-named ResNet <c>state_dict</c> that <c>model.backbone.weights</c> loads (its
/// classifier <c>fc</c> is ignored there, as an ImageNet file's is).
/// </summary>
public sealed class BackbonePretrainer
{
    /// <summary>The weights file written in the output folder.</summary>
    public const string WeightsFile = "backbone.pth";

    private readonly PretrainOptions _options;
    private readonly TextWriter? _log;

    /// <summary>A pretrainer with <paramref name="options"/>, printing progress to <paramref name="log"/> (none: silent).</summary>
    public BackbonePretrainer(PretrainOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _log = log;
    }

    /// <summary>
    /// Trains on <paramref name="train"/>'s crops, measures the accuracy on <paramref name="val"/>'s, and writes
    /// <see cref="WeightsFile"/> to <paramref name="outputDirectory"/> (atomically).
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite (nothing is written).</exception>
    /// <exception cref="InputException"><paramref name="train"/> has no image, or its categories differ from <paramref name="val"/>'s.</exception>
    public PretrainResult Run(IDetectionDataset train, IDetectionDataset val, string outputDirectory, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(val);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (train.Count == 0 || val.Count == 0)
        {
            throw new InputException($"pretrain: {(train.Count == 0 ? train.Description : val.Description)} has no image");
        }

        if (!train.CategoryNames.SequenceEqual(val.CategoryNames))
        {
            throw new InputException($"pretrain: the categories of {train.Description} and {val.Description} differ");
        }

        var clock = Stopwatch.StartNew();
        Engine.ManualSeed(_options.Seed);
        var sampler = new CropSampler(train, _options);
        using var model = new ResNet(new ResNetOptions
        {
            Depth = _options.Backbone.Depth,
            WidthMultiplier = _options.Backbone.Width,
            NumClasses = sampler.NumClasses,
        });
        using var optimizer = new Sgd(model.Parameters(), _options.LearningRate, _options.Momentum, _options.WeightDecay);
        var rng = new Pcg32(_options.Seed, 0x70726574);
        int tail = Math.Max(1, _options.Iterations / 10);
        double tailLoss = 0, tailCorrect = 0, tailCount = 0;
        model.Train();
        using (var progress = _log is null ? null : new ProgressReporter("pretrain", _options.Iterations, _log))
        {
            var indices = new int[_options.ImagesPerBatch];
            for (int iteration = 0; iteration < _options.Iterations; iteration++)
            {
                cancellation.ThrowIfCancellationRequested();
                double lr = LearningRate(iteration);
                optimizer.Groups[0].LearningRate = lr;
                for (int i = 0; i < indices.Length; i++)
                {
                    indices[i] = rng.NextInt(train.Count);
                }

                using var scope = Engine.NewDisposeScope();
                var (crops, labels) = sampler.Sample(indices, rng);
                var logits = model.Classify(crops);
                var loss = Functional.CrossEntropy(logits, labels);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                // The step's one host read: the loss and the number of crops classified right.
                var read = Tensor.Stack([loss.Detach(), logits.Detach().Argmax(1).Eq(labels).Sum().Float()]).ToArray<float>();
                if (!float.IsFinite(read[0]))
                {
                    throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                        $"pretrain: the loss became {read[0]} at iteration {iteration + 1} (lr {lr:G3}); nothing was written"));
                }

                if (iteration >= _options.Iterations - tail)
                {
                    tailLoss += read[0];
                    tailCorrect += read[1];
                    tailCount += labels.Shape[0];
                }

                progress?.Report(iteration + 1, string.Create(CultureInfo.InvariantCulture,
                    $"loss {read[0]:F3} acc {read[1] / labels.Shape[0]:F3} lr {lr:G3}"));
            }

            progress?.Complete(_options.Iterations);
        }

        var (valAccuracy, chance) = Validate(model, val);
        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, WeightsFile);
        TorchSerializer.SaveStateDict(path, model.StateDict());
        var classes = train.CategoryNames.Append("background").ToArray();
        return new PretrainResult(path, _options.Iterations, classes, tailLoss / tail, tailCorrect / tailCount, valAccuracy, chance,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>The learning rate of step <paramref name="iteration"/> (0-based): linear warm-up from 0.1 × peak, then cosine decay to 0.</summary>
    public double LearningRate(int iteration)
    {
        int warmup = Math.Min(_options.WarmupIterations, _options.Iterations - 1);
        if (iteration < warmup)
        {
            return _options.LearningRate * (0.1 + 0.9 * iteration / warmup);
        }

        double progress = (double)(iteration - warmup) / Math.Max(1, _options.Iterations - warmup);
        return _options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    private (double Accuracy, double Chance) Validate(ResNet model, IDetectionDataset val)
    {
        model.Eval();
        using var noGrad = Engine.NoGrad();
        // The same crops every run: a generator of its own, images in order.
        var rng = new Pcg32(_options.Seed, 0x76616c);
        var sampler = new CropSampler(val, _options);
        var counts = new long[sampler.NumClasses];
        long correct = 0, total = 0;
        int next = 0;
        while (total < _options.ValidationCrops)
        {
            var indices = Enumerable.Range(0, _options.ImagesPerBatch).Select(i => (next + i) % val.Count).ToArray();
            next += indices.Length;
            using var scope = Engine.NewDisposeScope();
            var (crops, labels) = sampler.Sample(indices, rng);
            var predicted = model.Classify(crops).Argmax(1);
            correct += predicted.Eq(labels).Sum().ToInt64();
            foreach (long label in labels.ToArray<long>())
            {
                counts[label]++;
            }

            total += labels.Shape[0];
        }

        model.Train();
        return ((double)correct / total, (double)counts.Max() / total);
    }
}
