using DynDet.Config;
using DynDet.Torch;
using DynDet.Torch.Serialization;

namespace DynDet.Models.Detectors;

/// <summary>
/// Whole-detector weights in and out by name, as MMDetection's <c>load_from</c>: an MMDetection model-zoo checkpoint
/// (<c>{"meta", "state_dict"}</c>, MMDetection's module names = DynDet's), a DynDet checkpoint, or a torchvision
/// detection <c>state_dict</c> (torchvision's names, recognised by its <c>backbone.body.</c> prefix and mapped by
/// <see cref="TorchVisionNames"/>). Loading is lenient, as MMDetection's: missing, unexpected and mis-shaped entries
/// are reported by name, never silently; a classifier whose class count differs keeps its fresh initialisation.
/// </summary>
public static class DetectorWeights
{
    /// <summary>The layers whose shape depends on the number of classes, by name prefix.</summary>
    public static IReadOnlyList<string> ClassLayers { get; } =
    [
        "roi_head.bbox_head.fc_cls.", "roi_head.bbox_head.fc_reg.", "bbox_head.retina_cls.", "bbox_head.conv_cls.", "bbox_head.atss_cls.",
    ];

    /// <summary>Loads the weights of <paramref name="path"/> into <paramref name="model"/> by name.</summary>
    /// <exception cref="InputException">The file is unreadable, holds no state dict, or no entry matches the model.</exception>
    public static WeightImportReport LoadFrom(DetectionModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InputException($"load_from: {path} does not exist");
        }

        using var scope = Engine.NewDisposeScope();
        using var checkpoint = TorchSerializer.Load(path);
        var file = checkpoint.GetStateDict();
        bool torchvision = file.Keys.Any(k => k.StartsWith("backbone.body.", StringComparison.Ordinal));
        int backboneLevels = BackboneLevels(model);
        var load = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        List<string> missing = [], mismatched = [], reinitialised = [];
        foreach (var (name, current) in model.StateDict())
        {
            string? source = torchvision ? TorchVisionName(model, name, backboneLevels) : name;
            if (source is null)
            {
                continue;
            }

            if (!file.TryGetValue(source, out var stored))
            {
                missing.Add(name);
                continue;
            }

            used.Add(source);
            var value = torchvision ? TorchVisionNames.FromTorchVision(name, stored) : stored;
            if (!value.Shape.SequenceEqual(current.Shape))
            {
                if (ClassLayers.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    reinitialised.Add(name);
                }
                else
                {
                    mismatched.Add($"{name}: file [{string.Join(", ", value.Shape)}] vs model [{string.Join(", ", current.Shape)}]");
                }

                continue;
            }

            load[name] = value;
        }

        var unexpected = file.Keys.Where(k => !used.Contains(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        if (load.Count == 0)
        {
            throw new InputException(
                $"load_from: {path} has no weight of this {model.Config.Model.Type} model (its first keys: {string.Join(", ", file.Keys.Take(3))})");
        }

        model.LoadStateDict(load, strict: false, source: path);
        return new WeightImportReport(torchvision ? "torchvision" : "mmdetection", load.Count, missing, unexpected, mismatched, reinitialised);
    }

    /// <summary>How many FPN outputs come from backbone stages: the number of lateral convs (torchvision numbers the extra levels after them).</summary>
    private static int BackboneLevels(DetectionModel model) =>
        model.StateDict().Count(e => e.Key.StartsWith("neck.lateral_convs.", StringComparison.Ordinal) && e.Key.EndsWith(".weight", StringComparison.Ordinal));

    /// <summary>torchvision's name of a weight of <paramref name="model"/> (FCOS's head is laid out differently from RetinaNet's).</summary>
    private static string? TorchVisionName(DetectionModel model, string name, int backboneLevels) => model.Config.Model is FcosModelConfig
        ? TorchVisionNames.FcosToTorchVision(name, backboneLevels)
        : TorchVisionNames.ToTorchVision(name, backboneLevels);

    /// <summary>
    /// The model's weights under torchvision's names and layout, in torchvision's order of its own state dict
    /// (the model's order mapped), for a torchvision-style preset. The tensors are new (caller's scope).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> ToTorchVision(DetectionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int backboneLevels = BackboneLevels(model);
        var result = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, value) in model.StateDict())
        {
            if (TorchVisionName(model, name, backboneLevels) is { } tvName)
            {
                result.Add(new(tvName, TorchVisionNames.ToTorchVision(name, value)));
            }
        }

        return result;
    }
}
