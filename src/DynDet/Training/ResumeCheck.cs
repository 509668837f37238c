using System.Text.Json.Nodes;
using DynDet.Config;

namespace DynDet.Training;

/// <summary>
/// What <c>--resume</c> compares between the checkpoint and the run asked for: the class list, the training data
/// (<see cref="DatasetFingerprint"/>) and the resolved config, key by key. Keys that cannot change the weights
/// trained from the checkpoint on may differ (<see cref="MayChange"/>): the run's length, how often it logs,
/// checkpoints and evaluates, thread and worker counts (the batches are the same whatever the count), where the
/// data live (the training data are compared by fingerprint instead), the validation data and the backbone's
/// initial weights (the checkpoint overwrites them).
/// </summary>
public static class ResumeCheck
{
    /// <summary>Dotted config keys a resumed run may change freely.</summary>
    public static IReadOnlySet<string> MayChange { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "train.max_iters", "train.max_epochs", "train.checkpoint_interval", "train.checkpoint_minutes",
        "train.eval_interval", "train.log_interval", "train.threads", "data.workers", "data.train", "data.val",
        "model.backbone.weights",
    };

    /// <summary>
    /// The differences that make resuming unsafe, each a few words (<c>class list changed: checkpoint has [a, b],
    /// data has [a, c]</c>, <c>dataset changed: …</c>, <c>config changed: train.lr 0.02 -> 0.01</c>); empty when none.
    /// A checkpoint written before DynDet stored dataset fingerprints (<paramref name="saved"/> null) is not
    /// checked for its data.
    /// </summary>
    public static IReadOnlyList<string> Differences(CheckpointInfo checkpoint, DatasetFingerprint? saved,
        DetectorConfig config, IReadOnlyList<string> classes, DatasetFingerprint data)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(data);
        var differences = new List<string>();
        if (!checkpoint.ClassNames.SequenceEqual(classes, StringComparer.Ordinal))
        {
            differences.Add($"class list changed: checkpoint has [{string.Join(", ", checkpoint.ClassNames)}], data has [{string.Join(", ", classes)}]");
        }

        if (saved?.Difference(data) is string dataset)
        {
            differences.Add($"dataset changed: {dataset}");
        }

        var changed = ConfigChanges(checkpoint.Config, config);
        if (changed.Count > 0)
        {
            const int shown = 5;
            differences.Add($"config changed: {string.Join(", ", changed.Take(shown))}" +
                (changed.Count > shown ? $" and {changed.Count - shown} more" : string.Empty));
        }

        return differences;
    }

    /// <summary>Keys (outside <see cref="MayChange"/>) whose values differ, as <c>key old -> new</c>, in config order.</summary>
    public static IReadOnlyList<string> ConfigChanges(DetectorConfig before, DetectorConfig after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        // Both sides through the same serialiser, so keys a checkpoint predates compare as their defaults.
        var old = Flatten(JsonNode.Parse(ConfigLoader.ToJson(before)));
        var now = Flatten(JsonNode.Parse(ConfigLoader.ToJson(after)));
        var changes = new List<string>();
        foreach (string key in old.Keys.Concat(now.Keys.Where(k => !old.ContainsKey(k))))
        {
            if (MayChange.Contains(key))
            {
                continue;
            }

            string a = old.GetValueOrDefault(key, "(none)");
            string b = now.GetValueOrDefault(key, "(none)");
            if (a != b)
            {
                changes.Add($"{key} {a} -> {b}");
            }
        }

        return changes;
    }

    private static Dictionary<string, string> Flatten(JsonNode? root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Visit(root, string.Empty);
        return result;

        void Visit(JsonNode? node, string prefix)
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, value) in obj)
                {
                    Visit(value, prefix.Length == 0 ? key : prefix + "." + key);
                }
            }
            else
            {
                // Arrays compare whole: their elements have no names to report.
                result[prefix] = node?.ToJsonString() ?? "null";
            }
        }
    }
}
