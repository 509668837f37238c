using System.Diagnostics;
using System.Globalization;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Coco;
using DynDet.Data.Transforms;
using DynDet.Diagnostics;
using DynDet.Dynamic;
using DynDet.Evaluation;
using DynDet.Models.Detectors;
using DynDet.Torch;
using DynDet.Torch.Optim;
using DynDet.Torch.Serialization;
using DynDet.Reports;
using DynDet.Training.Distributed;
using DynDet.Training.Hooks;

namespace DynDet.Training;

/// <summary>
/// The training loop every DynDet detector uses: SGD with MMCV's warm-up and steps, one read per step of the loss
/// terms and the gradient norm (to stop on a non-finite loss or gradient before it reaches the weights), the
/// dynamic strategies updated after each step, a progress line with ETA, loss terms, learning rate and the dynamic
/// values, periodic atomic checkpoints (never with non-finite weights), periodic validation with the COCO
/// evaluator, <c>metrics.json</c>, exact resume checked against the checkpoint's classes, data and config, and a
/// checkpoint on cancellation and on any failure but divergence. With <see cref="TrainerOptions.ProcessGroup"/> it is
/// one rank of a data-parallel run (see there).
/// </summary>
public sealed class Trainer
{
    private readonly TrainerOptions _options;
    private readonly TextWriter _log;
    private readonly Stopwatch _sessionClock = new();

    /// <summary>Creates a trainer for one run.</summary>
    public Trainer(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        // In a data-parallel run only rank 0 speaks; the others' failures still reach the caller as exceptions.
        _log = options.ProcessGroup is { Rank: > 0 } ? TextWriter.Null : options.Log ?? Console.Error;
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

    /// <summary>
    /// Runs training to the end of the schedule (or until <paramref name="cancellation"/>, which is observed after
    /// every step and during evaluations). <c>latest.pth</c> is written every <see cref="TrainConfig.CheckpointInterval"/>
    /// iterations, every <see cref="TrainConfig.CheckpointMinutes"/>, after every periodic evaluation, at the end,
    /// when cancelled (also mid-evaluation: a resumed run redoes that evaluation), and on any failure but
    /// divergence, always holding the state after the last completed step; then the failure is rethrown.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss, gradient or weight became NaN or infinite: the weights
    /// were not changed by the bad step and <c>latest.pth</c> was left as it was (the last good checkpoint).</exception>
    /// <exception cref="InputException">Bad config, data, or a checkpoint that does not fit (<see cref="ResumeCheck"/>).</exception>
    public TrainingResult Run(CancellationToken cancellation = default)
    {
        var config = _options.Config;
        var train = config.Train;
        var clock = Stopwatch.StartNew();
        _sessionClock.Restart();
        var group = _options.ProcessGroup;
        int world = group?.WorldSize ?? 1;
        // Rank 0 alone writes into the output folder (checkpoints, metrics.json, the report) and evaluates.
        bool lead = group is null || group.Rank == 0;
        if (lead)
        {
            Directory.CreateDirectory(_options.OutputDirectory);
            // A run killed outright (SIGKILL, power loss) mid-write leaves its temporary file; this folder is ours.
            if (DurableFile.RemoveTemporaries(_options.OutputDirectory) is int stale and > 0)
            {
                _log.WriteLine($"removed {stale} temporary file(s) a killed run left in {_options.OutputDirectory}");
            }
        }

        if (train.Threads > 0)
        {
            Engine.NumThreads = train.Threads;
        }

        Engine.ManualSeed((ulong)train.Seed);
        var data = _options.TrainData;
        var classes = data.CategoryNames;
        using var built = DetectorFactory.Build(config, classes);
        var model = built.Model;
        var strategies = built.Strategies;
        if (!_options.Resume)
        {
            // A resumed run restores every weight from the checkpoint.
            LoadBackboneWeights(model, config.Model.Backbone.Weights);
            if (!string.IsNullOrEmpty(config.LoadFrom))
            {
                // MMDetection's load_from: the whole detector, after (and over) the backbone's pretrained weights.
                foreach (string line in DetectorWeights.LoadFrom(model, config.LoadFrom).Lines(config.LoadFrom))
                {
                    _log.WriteLine(line);
                }
            }
        }

        var loader = new DataLoader(data, TrainTransform(config.Data), new LoaderOptions
        {
            BatchSize = config.Data.ImagesPerBatch,
            Seed = (ulong)train.Seed,
            Workers = config.Data.Workers,
            DropLast = true,
            Rank = group?.Rank ?? 0,
            WorldSize = world,
        });
        // Iterations are global: an epoch is this rank's shard, the same number of batches on every rank.
        var (maxIterations, steps) = Schedule(train, loader.BatchesPerEpoch);
        int globalBatch = config.Data.ImagesPerBatch * world;
        using var optimizer = new Sgd(ParameterGroups(model, train, globalBatch), train.Momentum);
        var schedule = new WarmupMultiStepSchedule(steps, train.Gamma, train.Warmup, train.WarmupIters, train.WarmupRatio);
        string latest = Path.Combine(_options.OutputDirectory, TrainingCheckpoint.LatestFile);
        var fingerprint = DatasetFingerprint.Of(data);
        long start = 0;
        bool evaluationPending = false;
        if (_options.Resume)
        {
            if (!File.Exists(latest))
            {
                throw new InputException($"--resume: no checkpoint {latest} to resume from");
            }

            using var checkpoint = TorchSerializer.Load(latest);
            var differences = ResumeCheck.Differences(TrainingCheckpoint.ReadInfo(checkpoint), TrainingCheckpoint.ReadDataset(checkpoint),
                config, classes, fingerprint);
            if (differences.Count > 0)
            {
                if (!_options.ForceResume)
                {
                    throw new InputException($"--resume: {string.Join("; ", differences)} (--force resumes anyway)");
                }

                _log.WriteLine($"warning: --resume --force: {string.Join("; ", differences)}");
            }

            start = TrainingCheckpoint.Restore(checkpoint, model, optimizer, strategies);
            evaluationPending = TrainingCheckpoint.ReadEvaluationPending(checkpoint);
            _log.WriteLine($"resumed from {latest} at iteration {start}");
        }

        if (group is not null)
        {
            // DDP's start: every rank continues from rank 0's weights and buffers (the optimizer's and the strategies'
            // state are the same on every rank already: from the same seed, or from the same checkpoint).
            ModelBroadcast.FromRankZero(group, model);
        }

        var metrics = lead
            ? new MetricsLog(Path.Combine(_options.OutputDirectory, "metrics.json"), config.Name, classes, _options.Resume, start)
            : null;
        metrics?.SetRunInfo(RunMachine.Describe(), DateTimeOffset.UtcNow);
        if (lead)
        {
            DurableFile.WriteAllText(Path.Combine(_options.OutputDirectory, "config.json"), ConfigLoader.ToJson(config));
        }

        var valData = lead ? _options.ValData : null;
        CocoDataset? valTruth = valData is null ? null : DatasetEvaluation.ReferenceGroundTruth(valData);
        model.Train();
        _log.WriteLine($"report: {ReportPath} (written at each evaluation and at the end)");
        string processes = world > 1 ? string.Create(CultureInfo.InvariantCulture, $" × {world} processes = {globalBatch}") : string.Empty;
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {config.Name}: {maxIterations} iterations, {config.Data.ImagesPerBatch} images/batch{processes}, {data.Count} images ({data.Description}), {model.ParameterCount():N0} parameters, {Engine.NumThreads} threads{(world > 1 ? " per process" : string.Empty)}"));

        var step = new TrainingStep(model, optimizer, strategies, new TrainingStepOptions
        {
            GradClip = train.GradClip,
            LossWeighting = LevelBalancedLossWeighting.For(strategies),
            AfterBackward = _options.AfterBackward,
            MaxIterations = maxIterations,
            GradientReducer = group is null ? SingleProcessGradients.Instance : new ProcessGroupGradients(group),
            StatisticReducer = group is null ? SingleProcessReducer.Instance : new ProcessGroupStatistics(group),
        });
        long iteration = start;
        // DYNDET_PROFILE=1 prints where the run's time went, phase by phase (data wait, forward parts, backward).
        bool profile = Environment.GetEnvironmentVariable("DYNDET_PROFILE") == "1";
        PhaseProfiler.Enabled = profile;
        var loopClock = Stopwatch.StartNew();
        var reason = TrainingStopReason.Completed;
        // True while the model, the optimizer and the strategies hold exactly the state after `iteration` steps
        // (false during a step: the forward pass already updates batch-norm statistics), i.e. while a checkpoint
        // would be a true one; failures outside steps (data loading, evaluation, saving) leave it true.
        bool consistent = true;
        bool evaluating = false;
        void Save(bool pending)
        {
            if (lead)
            {
                TrainingCheckpoint.Save(latest, model, optimizer, iteration, fingerprint, pending, strategies);
            }
        }

        bool EvaluateNow()
        {
            evaluating = true;
            bool done = EvaluatePeriodically(model, metrics!, iteration, valTruth!, cancellation);
            evaluating = !done;
            return done;
        }

        try
        {
            using var progress = _options.ShowProgress ? new ProgressReporter("train", maxIterations, _log) : null;
            // In order: what the step did is shown and logged before an evaluation, and saved after it.
            // Rank 0's hooks only: the other ranks train and wait for it at the next collective.
            var hooks = new List<ITrainingHook>();
            if (progress is not null && lead)
            {
                hooks.Add(new ProgressHook(progress, strategies));
            }

            if (metrics is not null)
            {
                hooks.Add(new MetricsHook(metrics, train.LogInterval, strategies));
            }

            if (valData is not null)
            {
                hooks.Add(new EvaluationHook(train.EvalInterval, EvaluateNow));
            }

            if (lead)
            {
                hooks.Add(new CheckpointHook(train.CheckpointInterval, train.CheckpointMinutes, () => Save(pending: false)));
            }

            using var batches = loader.Open(start, maxIterations - start);
            if (evaluationPending && valData is not null && iteration < maxIterations)
            {
                _log.WriteLine($"redoing the evaluation at iteration {iteration} that the interrupted run did not finish");
                if (!EvaluateNow())
                {
                    reason = TrainingStopReason.Interrupted;
                }
            }

            if (group is not null && StopAgreement.Any(group, reason != TrainingStopReason.Completed || cancellation.IsCancellationRequested))
            {
                reason = TrainingStopReason.Interrupted;
            }

            while (reason == TrainingStopReason.Completed)
            {
                DetectionBatch? batch;
                using (PhaseProfiler.Measure("data.wait"))
                {
                    if (!batches.TryTake(out batch))
                    {
                        break;
                    }
                }

                StepOutcome outcome;
                using (batch)
                {
                    schedule.Apply(optimizer, iteration);
                    // From the forward pass on (batch-norm statistics update in place) to the strategies' update.
                    consistent = false;
                    outcome = step.Run(batch, iteration);
                    iteration++;
                    consistent = true;
                }

                var state = new TrainingLoopState
                {
                    Iteration = iteration,
                    MaxIterations = maxIterations,
                    LearningRate = optimizer.Groups[0].LearningRate,
                    Outcome = outcome,
                };
                foreach (var hook in hooks)
                {
                    if (!hook.AfterStep(state))
                    {
                        reason = TrainingStopReason.Interrupted;
                        break;
                    }
                }

                if (state.IsLast)
                {
                    break;
                }

                if (cancellation.IsCancellationRequested)
                {
                    reason = TrainingStopReason.Interrupted;
                }

                // Every rank stops after the same step when any of them must (a signal reaches each at its own time).
                if (group is not null && StopAgreement.Any(group, reason != TrainingStopReason.Completed))
                {
                    reason = TrainingStopReason.Interrupted;
                }
            }
        }
        catch (Exception failure) when (failure is not TrainingDivergedException && lead)
        {
            SaveAfterFailure(consistent, iteration, latest, () => Save(evaluating));
            throw;
        }

        if (profile)
        {
            PhaseProfiler.Enabled = false;
            _log.Write(PhaseProfiler.Report(loopClock.Elapsed.TotalMilliseconds, (int)Math.Max(1, iteration - start)));
            PhaseProfiler.Reset();
        }

        Save(evaluating);
        if (!lead)
        {
            return new TrainingResult(reason, iteration, latest, null, clock.Elapsed, ReportPath) { Dynamic = DynamicValues(strategies) };
        }

        EvaluationReport? final = null;
        if (reason == TrainingStopReason.Completed && valData is not null)
        {
            try
            {
                final = Evaluate(model, valData, valTruth!, cancellation);
                metrics!.AddEvaluation(iteration, final);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // The checkpoint of the last iteration is written: --resume only redoes this evaluation.
                _log.WriteLine($"interrupted during the final evaluation; {latest} holds all {iteration} iterations");
                reason = TrainingStopReason.Interrupted;
            }
        }

        WriteReport(metrics!);
        return new TrainingResult(reason, iteration, latest, final, clock.Elapsed, ReportPath) { Dynamic = DynamicValues(strategies) };
    }

    private static Dictionary<string, double> DynamicValues(IReadOnlyList<ITrainingStrategy> strategies) =>
        strategies.SelectMany(s => s.Current.Select(v => ($"{s.Name}.{v.Key}", v.Value))).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);

    /// <summary>
    /// Saves the state of the last completed step after a failure that is not a divergence (bad data found late,
    /// a full disk, a failed evaluation), so that the run can be resumed; the failure itself is then rethrown by
    /// the caller, and a failure to save only adds a line to the log.
    /// </summary>
    private void SaveAfterFailure(bool consistent, long iteration, string latest, Action save)
    {
        if (!consistent)
        {
            _log.WriteLine($"the failure below came in the middle of iteration {iteration + 1}: {latest} was not updated");
            return;
        }

        try
        {
            save();
            _log.WriteLine($"saved {latest} at iteration {iteration} before stopping on the failure below (--resume continues from there)");
        }
#pragma warning disable CA1031 // the original failure is what the user must see; this one is only reported
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.WriteLine($"could not save {latest} after the failure below: {e.Message}");
        }
    }

    /// <summary>
    /// A periodic evaluation at <paramref name="iteration"/>; false when <paramref name="cancellation"/> stopped it.
    /// The training RNG is the same after it as before it (evaluated or not, cancelled or not), so that a run
    /// interrupted here, or resumed from a checkpoint taken before it, trains on exactly as an unbroken one.
    /// </summary>
    private bool EvaluatePeriodically(DetectionModel model, MetricsLog metrics, long iteration, CocoDataset truth, CancellationToken cancellation)
    {
        var data = _options.ValData!;
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluating at iteration {iteration} on {data.Count} images"));
        using var scope = Engine.NewDisposeScope();
        var rng = Engine.GetRngState();
        try
        {
            metrics.AddEvaluation(iteration, Evaluate(model, data, truth, cancellation));
            WriteReport(metrics);
            return true;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            _log.WriteLine($"interrupted during the evaluation at iteration {iteration}: saving iteration {iteration}; --resume redoes this evaluation");
            return false;
        }
        finally
        {
            Engine.SetRngState(rng);
            model.Train();
        }
    }

    private EvaluationReport Evaluate(DetectionModel model, IDetectionDataset data, CocoDataset truth, CancellationToken cancellation)
    {
        var detections = DatasetInference.Run(model, data, _options.ShowProgress, cancellation);
        var report = DatasetEvaluation.Evaluate(data, detections, truth);
        ReportGallery.Write(_options.OutputDirectory, data, detections, model.ClassNames);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval: AP {report.Coco.AP:F3}  AP50 {report.Coco.AP50:F3}  AP75 {report.Coco.AP75:F3}  AP90 {report.Coco.AP90:F3}  VOC mAP {report.VocArea.MeanAP:F3}"));
        return report;
    }

    /// <summary>
    /// Rewrites the run's report (<c>index.html</c>) from its folder, after recording the time run so far. A report that
    /// cannot be written costs a line in the log, not the run.
    /// </summary>
    private string ReportPath => Path.Combine(_options.OutputDirectory, RunReport.FileName);

    private void WriteReport(MetricsLog metrics)
    {
        metrics.SetElapsed(_sessionClock.Elapsed.TotalSeconds);
        try
        {
            RunReport.Write(ReportPath, [RunRecord.Load(_options.OutputDirectory)]);
        }
        catch (IOException e)
        {
            _log.WriteLine($"could not write the report {RunReport.FileName}: {e.Message}");
        }
    }

    /// <summary>The training transform of a config: scales, flip, normalisation, padding to 32.</summary>
    public static DetectionTransform TrainTransform(DataConfig data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var scales = data.TrainScales.Select(s => s.Count == 2
            ? new ImageScale(s[0], s[1])
            : throw new InputException("config data.train_scales entries must be [long, short]")).ToArray();
        return new DetectionTransform(TransformOptions.Training(scales) with { FlipProbability = data.FlipProbability, Resize = data.Resize });
    }

    /// <summary>
    /// SGD parameter groups: one, or (without decay on norms and biases) weights of dimension ≥ 2 with decay and
    /// the rest without; the learning rate scaled linearly from the config's base batch to the real one.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> ParameterGroups(DetectionModel model, TrainConfig train, int imagesPerBatch)
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

    private void LoadBackboneWeights(DetectionModel model, string? path)
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
}
