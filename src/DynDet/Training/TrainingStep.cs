using System.Globalization;
using DynDet.Data;
using DynDet.Diagnostics;
using DynDet.Dynamic;
using DynDet.Models;
using DynDet.Models.Detectors;
using DynDet.Torch;
using DynDet.Torch.Optim;

namespace DynDet.Training;

/// <summary>
/// One training step, the only implementation (the trainer and the benchmark both run it): forward with a step
/// context → the loss-weighting slot → zero-grad and backward → the gradient-reduction slot → ONE host read of every
/// loss term, the total and the gradients' total norm, stopping before the weights change when any is NaN or
/// infinite → clipping (with the norm already computed) → the optimizer step → the strategies observe the step's
/// statistics, synchronise them and update. In a data-parallel run (the slots' reducers span several processes) every
/// process reduces the same gradient list (zeros where it has none but another has), and the values read are the
/// mean over processes, so all of them report the same losses and stop together.
/// </summary>
public sealed class TrainingStep
{
    private readonly DetectionModel _model;
    private readonly Sgd _optimizer;
    private readonly IReadOnlyList<ITrainingStrategy> _strategies;
    private readonly TrainingStepOptions _options;

    /// <summary>Creates the step for a model, its optimizer and the strategies steering it.</summary>
    public TrainingStep(DetectionModel model, Sgd optimizer, IReadOnlyList<ITrainingStrategy> strategies, TrainingStepOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(strategies);
        ArgumentNullException.ThrowIfNull(options);
        var duplicate = strategies.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two strategies are named {duplicate.Key}: each instance needs its own name", nameof(strategies));
        }

        _model = model;
        _optimizer = optimizer;
        _strategies = strategies;
        _options = options;
    }

    /// <summary>
    /// Runs the step on <paramref name="batch"/> after <paramref name="iteration"/> completed iterations; the learning
    /// rate must already be set.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss term or the gradient norm is NaN or infinite: the weights,
    /// the optimizer state and the strategies are as before the step (batch-norm statistics have moved).</exception>
    public StepOutcome Run(DetectionBatch batch, long iteration)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = Engine.NewDisposeScope();
        using var statistics = new StepStatistics(batch.Count);
        var losses = _model.Loss(batch, new StepContext(iteration, statistics, _options.MaxIterations)
        {
            Reducer = _options.StatisticReducer,
        });
        var names = losses.Terms.Keys.ToArray();
        // Each head's per-level terms, for a level balancer to observe (detached aliases: no work, no read).
        foreach (var (head, terms) in losses.LevelGroups)
        {
            statistics.Publish($"{head}.{LevelBalancer.LevelLosses}", [.. terms.Select(t => losses.Levels[t])]);
        }

        var total = _options.LossWeighting.Weighted(losses);
        _optimizer.ZeroGrad();
        using (PhaseProfiler.Measure("backward"))
        {
            total.Backward();
        }

        _options.AfterBackward?.Invoke(_model, iteration + 1);
        var grads = ReducibleGradients();
        using (PhaseProfiler.Measure("grad.reduce"))
        {
            // In a data-parallel run this includes waiting for the slowest process to finish its backward.
            _options.GradientReducer.Reduce(grads);
        }
        Tensor? gradNorm = grads.Count > 0 ? GradientClipping.TotalNorm(grads) : null;
        // One synchronisation per step: every term, the total, every per-level term's levels and the gradient norm
        // in one read (flattened and concatenated: terms, total, levels, norm).
        var levelNames = losses.Levels.Keys.ToArray();
        var read = new List<Tensor>(names.Length + levelNames.Length + 2);
        read.AddRange(losses.Terms.Values.Select(t => t.Detach()));
        read.Add(total.Detach());
        read.AddRange(losses.Levels.Values.Select(t => t.Detach()));
        if (gradNorm is not null)
        {
            read.Add(gradNorm);
        }

        var vector = Tensor.Cat([.. read.Select(t => t.To(ScalarType.Float64).Reshape(-1))]);
        if (_options.StatisticReducer.WorldSize > 1)
        {
            // MMDetection's log_vars: every term the mean over the processes (the gradient norm is already the same on
            // all of them), so that all report the same losses and all stop together on a non-finite one.
            vector = _options.StatisticReducer.Mean(vector);
        }

        double[] values = vector.To(Device.Cpu).ToArray<double>();
        for (int k = 0; k <= names.Length; k++)
        {
            if (!double.IsFinite(values[k]))
            {
                string term = k < names.Length ? names[k] : "loss";
                throw Diverged($"{term} is {values[k].ToString(CultureInfo.InvariantCulture)}", iteration);
            }
        }

        if (gradNorm is not null && !double.IsFinite(values[^1]))
        {
            throw Diverged(NonFiniteGradient(values[^1]), iteration);
        }

        if (_options.GradClip is double maxNorm && gradNorm is not null)
        {
            GradientClipping.ScaleToNorm(grads, gradNorm, maxNorm);
        }

        using (PhaseProfiler.Measure("sgd.step"))
        {
            _optimizer.Step();
        }

        var updates = new List<StrategyUpdate>();
        foreach (var strategy in _strategies)
        {
            strategy.Observe(statistics);
            strategy.Synchronize(_options.StatisticReducer);
            if (strategy.Update(iteration + 1) is { } update)
            {
                updates.Add(update);
            }
        }

        var result = new Dictionary<string, double>(names.Length + 1);
        for (int k = 0; k < names.Length; k++)
        {
            result[names[k]] = values[k];
        }

        result["loss"] = values[names.Length];
        var levels = new Dictionary<string, double[]>(levelNames.Length);
        int offset = names.Length + 1;
        foreach (string name in levelNames)
        {
            int count = (int)losses.Levels[name].Size(0);
            levels[name] = values[offset..(offset + count)];
            offset += count;
        }

        return new StepOutcome(result, levels, updates);
    }

    /// <summary>
    /// The gradients to reduce and apply, in the optimizer's order: every parameter's that has one in any process,
    /// a zero gradient set where this process has none but another has (so every process reduces the same list);
    /// parameters without a gradient anywhere are left out, as a single process leaves them. Every gradient is
    /// fetched in one native call (not one per parameter).
    /// </summary>
    private List<Tensor> ReducibleGradients()
    {
        var parameters = _optimizer.Groups.SelectMany(g => g.Parameters).ToArray();
        var here = Gradients.Of(parameters);
        var anywhere = _options.GradientReducer.WithGradientAnywhere([.. here.Select(g => g is not null)]);
        var grads = new List<Tensor>(here.Length);
        for (int i = 0; i < here.Length; i++)
        {
            if (!anywhere[i])
            {
                continue;
            }

            if (here[i] is not Tensor gradient)
            {
                using var noGrad = Engine.NoGrad();
                gradient = Tensor.ZerosLike(parameters[i]);
                parameters[i].Grad = gradient;
            }

            grads.Add(gradient);
        }

        return grads;
    }

    private static TrainingDivergedException Diverged(string what, long iteration) => new(string.Create(CultureInfo.InvariantCulture,
        $"{what} at iteration {iteration + 1}: training stopped before this step changed the weights"));

    /// <summary>Names the first parameter whose gradient is not finite (more reads, but only once the run has failed).</summary>
    private string NonFiniteGradient(double norm)
    {
        using var scope = Engine.NewDisposeScope();
        foreach (var (name, parameter) in _model.NamedTrainableParameters())
        {
            if (parameter.Grad is Tensor g && !g.IsFinite().All().ToBoolean())
            {
                return $"the gradient of {name} is {(g.IsNaN().Any().ToBoolean() ? double.NaN : double.PositiveInfinity).ToString(CultureInfo.InvariantCulture)}";
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"the gradient norm is {norm} (overflow)");
    }
}
