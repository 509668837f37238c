using System.Globalization;
using DynDet.Config;
using DynDet.Dynamic;
using DynDet.Models.Detectors;
using DynDet.Torch;
using DynDet.Torch.Optim;
using DynDet.Torch.Serialization;

namespace DynDet.Training;

/// <summary>
/// DynDet's checkpoint file: a <c>torch.save</c> zip Python reads (<c>torch.load(f)["state_dict"]</c> is the
/// model's state dict under MMDetection's names) holding what a run needs to continue exactly: the weights, the
/// momentum buffers by parameter name, the iteration, libtorch's RNG state, every dynamic strategy's state
/// (MMDetection loses these on resume), the config and class names to rebuild the model, and what
/// <c>--resume</c> checks (<see cref="ResumeCheck"/>: the training data's <see cref="DatasetFingerprint"/>, and
/// whether the evaluation due at this iteration is still to be done). Written atomically and durably
/// (<see cref="DurableFile"/>), and never with non-finite weights.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>File name of the checkpoint rewritten during a run.</summary>
    public const string LatestFile = "latest.pth";

    /// <summary>
    /// Writes a checkpoint of <paramref name="model"/> after <paramref name="iteration"/> iterations, with the
    /// fingerprint of the data it was trained on (optional) and whether the evaluation due at this iteration was
    /// interrupted (a resumed run then does it first).
    /// </summary>
    /// <exception cref="TrainingDivergedException">A weight or buffer is NaN or infinite: nothing is written, so
    /// the file at <paramref name="path"/> (the last good checkpoint) stays as it was.</exception>
    public static void Save(string path, DetectionModel model, Sgd? optimizer, long iteration, DatasetFingerprint? dataset = null,
        bool evaluationPending = false, IReadOnlyList<ITrainingStrategy>? strategies = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = Engine.NewDisposeScope();
        if (FirstNonFinite(model) is string bad)
        {
            throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                $"{bad} is not finite after iteration {iteration}: {Path.GetFileName(path)} was not overwritten"));
        }

        var momentum = new PyDict { IsOrderedDict = true };
        if (optimizer is not null)
        {
            foreach (var (name, parameter) in model.NamedParameters())
            {
                if (optimizer.MomentumBuffer(parameter) is { } buffer)
                {
                    momentum[name] = buffer;
                }
            }
        }

        var dynamic = new PyDict();
        foreach (var strategy in strategies ?? [])
        {
            dynamic[strategy.Name] = ToPy(strategy.SaveState());
        }

        var root = new PyDict
        {
            ["state_dict"] = model.StateDict(),
            ["meta"] = new PyDict
            {
                ["format"] = "dyndet-checkpoint-1",
                ["iteration"] = iteration,
                ["config"] = ConfigLoader.ToJson(model.Config),
                ["classes"] = model.ClassNames.Cast<object?>().ToList(),
                ["dataset"] = dataset is null ? null : new PyDict
                {
                    ["description"] = dataset.Description,
                    ["count"] = dataset.Count,
                    ["sha256"] = dataset.Hash,
                },
                ["evaluation_pending"] = evaluationPending,
            },
            ["optimizer"] = new PyDict { ["momentum"] = momentum },
            ["rng"] = new PyDict { ["torch"] = Engine.GetRngState() },
            ["dynamic"] = dynamic,
        };
        TorchSerializer.Save(path, root);
    }

    /// <summary>Reads the config, class names and iteration of a checkpoint (to rebuild its model).</summary>
    public static CheckpointInfo ReadInfo(LoadedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var meta = Section(checkpoint, "meta");
        string configJson = meta.TryGetValue("config", out object? c) && c is string s
            ? s
            : throw new InputException($"{checkpoint.Path}: not a DynDet checkpoint (no meta.config)");
        var classes = meta.TryGetValue("classes", out object? k) && k is IEnumerable<object?> list
            ? list.Select(x => x as string ?? throw new InputException($"{checkpoint.Path}: meta.classes must hold strings")).ToArray()
            : throw new InputException($"{checkpoint.Path}: not a DynDet checkpoint (no meta.classes)");
        long iteration = meta.TryGetValue("iteration", out object? it) ? Convert.ToInt64(it, CultureInfo.InvariantCulture) : 0;
        return new CheckpointInfo(ConfigLoader.FromJson(configJson, checkpoint.Path), classes, iteration);
    }

    /// <summary>The fingerprint of the data a checkpoint was trained on; null for checkpoints written without one.</summary>
    public static DatasetFingerprint? ReadDataset(LoadedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!Section(checkpoint, "meta").TryGetValue("dataset", out object? value) || value is not PyDict d)
        {
            return null;
        }

        return d.TryGetValue("description", out object? description) && description is string text
            && d.TryGetValue("count", out object? count) && count is long n
            && d.TryGetValue("sha256", out object? hash) && hash is string sha
            ? new DatasetFingerprint(text, n, sha)
            : throw new InputException($"{checkpoint.Path}: meta.dataset must hold description, count and sha256");
    }

    /// <summary>Whether the run that wrote the checkpoint was interrupted during the evaluation due at its iteration.</summary>
    public static bool ReadEvaluationPending(LoadedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Section(checkpoint, "meta").TryGetValue("evaluation_pending", out object? value) && value is true;
    }

    /// <summary>
    /// The state-dict name of the first weight or buffer of <paramref name="model"/> holding a NaN or an
    /// infinity, or null when all are finite; one read of a single flag when they are.
    /// </summary>
    public static string? FirstNonFinite(DetectionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var floating = model.StateDict().Where(p => p.Value.Dtype.IsFloatingPoint()).ToList();
        if (floating.Count == 0 || Tensor.Stack([.. floating.Select(p => p.Value.IsFinite().All())]).All().ToBoolean())
        {
            return null;
        }

        return floating.First(p => !p.Value.IsFinite().All().ToBoolean()).Key;
    }

    /// <summary>
    /// Restores weights, momentum buffers, the RNG state and the strategies' states into a model built from the
    /// same config; returns the iteration to continue from.
    /// </summary>
    public static long Restore(LoadedCheckpoint checkpoint, DetectionModel model, Sgd optimizer,
        IReadOnlyList<ITrainingStrategy> strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        model.LoadStateDict(checkpoint.GetStateDict("state_dict"), strict: true, source: checkpoint.Path);
        var parameters = model.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        var momentum = Section(Section(checkpoint, "optimizer"), "momentum", checkpoint.Path);
        foreach (var (key, value) in momentum)
        {
            if (key is string name && value is Tensor buffer && parameters.TryGetValue(name, out Tensor? parameter))
            {
                optimizer.SetMomentumBuffer(parameter, buffer);
            }
            else
            {
                throw new InputException($"{checkpoint.Path}: momentum buffer '{key}' matches no parameter");
            }
        }

        if (Section(checkpoint, "rng").TryGetValue("torch", out object? rng) && rng is Tensor state)
        {
            Engine.SetRngState(state);
        }

        var dynamic = Section(checkpoint, "dynamic");
        foreach (var strategy in strategies)
        {
            if (!dynamic.TryGetValue(strategy.Name, out object? saved) || saved is not PyDict d)
            {
                if (!dynamic.ContainsKey(strategy.Name) && strategy.StateIsOptional)
                {
                    // A strategy that only logs (added after the checkpoint was written) starts afresh.
                    continue;
                }

                throw new InputException($"{checkpoint.Path}: no state for dynamic strategy '{strategy.Name}'");
            }

            strategy.LoadState(FromPy(d, checkpoint.Path));
        }

        return ReadInfo(checkpoint).Iteration;
    }

    private static PyDict Section(LoadedCheckpoint checkpoint, string key) =>
        Section(checkpoint.Root as PyDict ?? throw new InputException($"{checkpoint.Path}: not a DynDet checkpoint"), key, checkpoint.Path);

    private static PyDict Section(PyDict parent, string key, string path = "checkpoint") =>
        parent.TryGetValue(key, out object? value) && value is PyDict d
            ? d
            : throw new InputException($"{path}: not a DynDet checkpoint (no '{key}')");

    private static PyDict ToPy(StrategyState state)
    {
        var values = new PyDict();
        foreach (var (k, v) in state.Values)
        {
            values[k] = v;
        }

        var histories = new PyDict();
        foreach (var (k, v) in state.Histories)
        {
            histories[k] = v.Cast<object?>().ToList();
        }

        return new PyDict { ["values"] = values, ["histories"] = histories };
    }

    private static StrategyState FromPy(PyDict d, string path)
    {
        var values = Section(d, "values", path).ToDictionary(e => (string)e.Key, e => Convert.ToDouble(e.Value, CultureInfo.InvariantCulture));
        var histories = Section(d, "histories", path).ToDictionary(
            e => (string)e.Key,
            e => (IReadOnlyList<double>)((IEnumerable<object?>)e.Value!).Select(x => Convert.ToDouble(x, CultureInfo.InvariantCulture)).ToArray());
        return new StrategyState(values, histories);
    }
}
