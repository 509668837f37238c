using System.Diagnostics;
using System.Globalization;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Coco;
using DynDet.Data.Transforms;
using DynDet.Diagnostics;
using DynDet.Evaluation;
using DynDet.Models.Detectors;
using DynDet.Torch;
using DynDet.Torch.Optim;
using DynDet.Torch.Serialization;

namespace DynDet.Training;

/// <summary>
/// The training loop every DynDet detector uses: SGD with MMCV's warm-up and steps, one loss read per step (to
/// stop on a non-finite loss before it reaches the weights), the dynamic strategies updated after each step, a
/// progress line with ETA, loss terms, learning rate and the dynamic values, atomic checkpoints, periodic
/// validation with the COCO evaluator, <c>metrics.json</c>, exact resume, and a checkpoint on cancellation.
/// </summary>
public sealed class Trainer
{
    private readonly TrainerOptions _options;
    private readonly TextWriter _log;

    /// <summary>Creates a trainer for one run.</summary>
    public Trainer(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _log = options.Log ?? Console.Error;
    }

    /// <summary>The iterations of the run and the decay steps, from the config and the data size.</summary>
    public static (long MaxIterations, long[] Steps) Schedule(TrainConfig train, long batchesPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.MaxIters is int iterations)
        {
            return (iterations, train.Steps.Select(s => (long)s).ToArray());
        }

        int epochs = train.MaxEpochs ?? throw new InputException("config train needs max_iters or max_epochs");
        return (epochs * batchesPerEpoch, train.StepEpochs.Select(e => e * batchesPerEpoch).ToArray());
    }

    /// <summary>Runs training to the end of the schedule (or until <paramref name="cancellation"/>).</summary>
    public TrainingResult Run(CancellationToken cancellation = default)
    {
        var config = _options.Config;
        var train = config.Train;
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(_options.OutputDirectory);
        if (train.Threads > 0)
        {
            Engine.NumThreads = train.Threads;
        }

        Engine.ManualSeed((ulong)train.Seed);
        var data = _options.TrainData;
        var classes = data.CategoryNames;
        using var model = new FasterRcnn(config, classes);
        LoadBackboneWeights(model, config.Model.Backbone.Weights);
        var loader = new DataLoader(data, TrainTransform(config.Data), new LoaderOptions
        {
            BatchSize = config.Data.ImagesPerBatch,
            Seed = (ulong)train.Seed,
            Workers = config.Data.Workers,
            DropLast = true,
        });
        var (maxIterations, steps) = Schedule(train, loader.BatchesPerEpoch);
        using var optimizer = new Sgd(ParameterGroups(model, train, config.Data.ImagesPerBatch), train.Momentum);
        var schedule = new WarmupMultiStepSchedule(steps, train.Gamma, train.Warmup, train.WarmupIters, train.WarmupRatio);
        string latest = Path.Combine(_options.OutputDirectory, TrainingCheckpoint.LatestFile);
        long start = 0;
        if (_options.Resume)
        {
            if (!File.Exists(latest))
            {
                throw new InputException($"--resume: no checkpoint {latest} to resume from");
            }

            using var checkpoint = TorchSerializer.Load(latest);
            start = TrainingCheckpoint.Restore(checkpoint, model, optimizer);
            _log.WriteLine($"resumed from {latest} at iteration {start}");
        }

        var metrics = new MetricsLog(Path.Combine(_options.OutputDirectory, "metrics.json"), config.Name, classes,
            _options.Resume, start);
        File.WriteAllText(Path.Combine(_options.OutputDirectory, "config.json"), ConfigLoader.ToJson(config));
        CocoDataset? valTruth = _options.ValData is null ? null : DatasetEvaluation.ReferenceGroundTruth(_options.ValData);
        model.Train();
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {config.Name}: {maxIterations} iterations, {config.Data.ImagesPerBatch} images/batch, {data.Count} images ({data.Description}), {model.ParameterCount():N0} parameters"));

        var window = new LossWindow();
        long iteration = start;
        // DYNDET_PROFILE=1 prints where the run's time went, phase by phase (data wait, forward parts, backward).
        bool profile = Environment.GetEnvironmentVariable("DYNDET_PROFILE") == "1";
        PhaseProfiler.Enabled = profile;
        var loopClock = Stopwatch.StartNew();
        var reason = TrainingStopReason.Completed;
        using (var progress = _options.ShowProgress ? new ProgressReporter("train", maxIterations, _log) : null)
        using (var batches = loader.Open(start, maxIterations - start))
        {
            while (true)
            {
                DetectionBatch? batch;
                using (PhaseProfiler.Measure("data.wait"))
                {
                    if (!batches.TryTake(out batch))
                    {
                        break;
                    }
                }

                using (batch)
                {
                    schedule.Apply(optimizer, iteration);
                    var values = Step(model, optimizer, batch, train.GradClip, iteration);
                    iteration++;
                    window.Add(values);
                    foreach (var strategy in model.Strategies)
                    {
                        if (strategy.EndIteration(iteration) is { } update)
                        {
                            metrics.AddUpdate(update);
                        }
                    }
                }

                double lr = optimizer.Groups[0].LearningRate;
                progress?.Report(iteration, Describe(window.Latest, lr, model));
                if (iteration % train.LogInterval == 0 || iteration == maxIterations)
                {
                    metrics.AddTraining(iteration, lr, window.Means(), window.SecondsPerIteration(), DynamicValues(model));
                    window.Reset();
                }

                bool last = iteration == maxIterations;
                if (train.CheckpointInterval > 0 && iteration % train.CheckpointInterval == 0 && !last)
                {
                    TrainingCheckpoint.Save(latest, model, optimizer, iteration);
                }

                if (train.EvalInterval > 0 && iteration % train.EvalInterval == 0 && !last && _options.ValData is not null)
                {
                    metrics.AddEvaluation(iteration, Evaluate(model, _options.ValData, valTruth!, cancellation));
                    model.Train();
                }

                if (cancellation.IsCancellationRequested && !last)
                {
                    reason = TrainingStopReason.Interrupted;
                    break;
                }
            }
        }

        if (profile)
        {
            PhaseProfiler.Enabled = false;
            _log.Write(PhaseProfiler.Report(loopClock.Elapsed.TotalMilliseconds, (int)Math.Max(1, iteration - start)));
            PhaseProfiler.Reset();
        }

        TrainingCheckpoint.Save(latest, model, optimizer, iteration);
        EvaluationReport? final = null;
        if (reason == TrainingStopReason.Completed && _options.ValData is not null)
        {
            final = Evaluate(model, _options.ValData, valTruth!, CancellationToken.None);
            metrics.AddEvaluation(iteration, final);
        }

        return new TrainingResult(reason, iteration, latest, final, clock.Elapsed);
    }

    /// <summary>One training step; returns the loss terms and their total, read once.</summary>
    private static Dictionary<string, double> Step(FasterRcnn model, Sgd optimizer, DetectionBatch batch, double? gradClip,
        long iteration)
    {
        using var scope = Engine.NewDisposeScope();
        var losses = model.Loss(batch);
        var names = losses.Terms.Keys.ToArray();
        // One synchronisation per step: every term and the total in one read.
        double[] values = Tensor.Stack([.. losses.Terms.Values.Select(t => t.Detach()), losses.Total.Detach()])
            .To(ScalarType.Float64).To(Device.Cpu).ToArray<double>();
        for (int k = 0; k < values.Length; k++)
        {
            if (!double.IsFinite(values[k]))
            {
                string term = k < names.Length ? names[k] : "loss";
                throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                    $"{term} is {values[k]} at iteration {iteration + 1}: training stopped before this step changed the weights"));
            }
        }

        optimizer.ZeroGrad();
        using (PhaseProfiler.Measure("backward"))
        {
            losses.Total.Backward();
        }

        if (gradClip is double maxNorm)
        {
            GradientClipping.ClipGradNorm(optimizer.Groups.SelectMany(g => g.Parameters), maxNorm);
        }

        using (PhaseProfiler.Measure("sgd.step"))
        {
            optimizer.Step();
        }

        var result = new Dictionary<string, double>(names.Length + 1);
        for (int k = 0; k < names.Length; k++)
        {
            result[names[k]] = values[k];
        }

        result["loss"] = values[^1];
        return result;
    }

    private EvaluationReport Evaluate(FasterRcnn model, IDetectionDataset data, CocoDataset truth, CancellationToken cancellation)
    {
        var detections = DatasetInference.Run(model, data, _options.ShowProgress, cancellation);
        var report = DatasetEvaluation.Evaluate(data, detections, truth);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval: AP {report.Coco.AP:F3}  AP50 {report.Coco.AP50:F3}  AP75 {report.Coco.AP75:F3}  AP90 {report.Coco.AP90:F3}  VOC mAP {report.VocArea.MeanAP:F3}"));
        return report;
    }

    /// <summary>The training transform of a config: scales, flip, normalisation, padding to 32.</summary>
    public static DetectionTransform TrainTransform(DataConfig data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var scales = data.TrainScales.Select(s => s.Count == 2
            ? new ImageScale(s[0], s[1])
            : throw new InputException("config data.train_scales entries must be [long, short]")).ToArray();
        return new DetectionTransform(TransformOptions.Training(scales) with { FlipProbability = data.FlipProbability });
    }

    /// <summary>
    /// SGD parameter groups: one, or (without decay on norms and biases) weights of dimension ≥ 2 with decay and
    /// the rest without; the learning rate scaled linearly from the config's base batch to the real one.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> ParameterGroups(FasterRcnn model, TrainConfig train, int imagesPerBatch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        double lr = train.LrBaseBatch > 0 ? train.Lr * imagesPerBatch / train.LrBaseBatch : train.Lr;
        var trainable = model.NamedTrainableParameters().Select(p => p.Value).ToList();
        if (train.DecayNormAndBias)
        {
            return [new ParameterGroup(trainable, lr, train.WeightDecay)];
        }

        return
        [
            new ParameterGroup(trainable.Where(p => p.Dim >= 2), lr, train.WeightDecay, "decay"),
            new ParameterGroup(trainable.Where(p => p.Dim < 2), lr, 0, "no_decay"),
        ];
    }

    private void LoadBackboneWeights(FasterRcnn model, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        if (!File.Exists(path))
        {
            throw new InputException($"model.backbone.weights: {path} does not exist");
        }

        using var state = TorchSerializer.LoadStateDict(path);
        var result = model.Backbone.LoadStateDict(state, strict: false, source: path);
        if (result.MissingKeys.Count > 0 || result.ShapeMismatches.Count > 0)
        {
            throw new InputException($"{path}: does not fit the backbone: {result.Describe()}");
        }

        _log.WriteLine($"backbone initialised from {path}" +
            (result.UnexpectedKeys.Count > 0 ? $" (ignored {result.UnexpectedKeys.Count} keys: {string.Join(", ", result.UnexpectedKeys.Take(3))})" : string.Empty));
    }

    private static Dictionary<string, double> DynamicValues(FasterRcnn model) =>
        model.Strategies.SelectMany(s => s.Current).ToDictionary(p => p.Key, p => p.Value);

    private static string Describe(IReadOnlyDictionary<string, double>? losses, double lr, FasterRcnn model)
    {
        var text = new System.Text.StringBuilder();
        if (losses is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"loss {losses["loss"]:F3} (");
            text.AppendJoin(' ', losses.Where(l => l.Key != "loss").Select(l =>
                string.Create(CultureInfo.InvariantCulture, $"{l.Key.Replace("loss_", string.Empty, StringComparison.Ordinal)} {l.Value:F3}")));
            text.Append(") ");
        }

        text.Append(CultureInfo.InvariantCulture, $"lr {lr:G3}");
        foreach (var (name, value) in DynamicValues(model))
        {
            string label = name switch { "iou_threshold" => "T", "beta" => "β", _ => name };
            text.Append(CultureInfo.InvariantCulture, $" {label} {value:F3}");
        }

        return text.ToString();
    }
}
