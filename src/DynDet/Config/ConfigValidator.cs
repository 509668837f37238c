using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>
/// The one validation pass of a loaded config (<see cref="ConfigLoader"/> runs it after the file, its bases and the
/// <c>KEY=VALUE</c> overrides are merged): every key's <see cref="ConfigRangeAttribute"/> or
/// <see cref="ConfigChoiceAttribute"/>, enum values, then the rules that tie keys together. The first violation is
/// an <see cref="InputException"/> of one line naming the dotted key, e.g.
/// <c>config train.log_interval: 0 is out of range (must be &gt;= 1)</c>.
/// </summary>
public static class ConfigValidator
{
    /// <summary>
    /// Every leaf key of <see cref="DetectorConfig"/> (sections of nullable sections included), in declaration order; a
    /// dotted key whose section is a different record in two model types (<c>model.bbox_head.*</c>) appears once per record.
    /// </summary>
    public static IReadOnlyList<ConfigKey> Keys { get; } = KeysOf(typeof(DetectorConfig), string.Empty).ToArray();

    /// <summary>Checks <paramref name="config"/>.</summary>
    /// <exception cref="InputException">A key out of range or two keys that disagree; the message names the key.</exception>
    public static void Validate(DetectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        CheckSection(config, string.Empty);
        CheckCrossKeyRules(config);
    }

    /// <summary>The JSON name of a config property (its <c>[JsonPropertyName]</c>, else snake_case).</summary>
    public static string JsonName(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
            ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
    }

    /// <summary>The serialised properties of a config section type.</summary>
    public static IEnumerable<PropertyInfo> PropertiesOf(Type section)
    {
        ArgumentNullException.ThrowIfNull(section);
        // Base-record keys first (the model's shared keys before its type's own), each record in declaration order.
        return section.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .OrderBy(p => InheritanceDepth(p.DeclaringType!));
    }

    private static int InheritanceDepth(Type type)
    {
        int depth = 0;
        for (Type? t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }

    /// <summary>Whether <paramref name="type"/> is a config section (a record of this namespace), not a value.</summary>
    public static bool IsSection(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.IsClass && type != typeof(string) && type.Namespace == typeof(DetectorConfig).Namespace;
    }

    /// <summary>The element type of an <see cref="IReadOnlyList{T}"/>, or null for other types.</summary>
    public static Type? ListElement(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;
    }

    /// <summary>A value type without its <see cref="Nullable{T}"/> and list wrappers.</summary>
    public static Type ScalarOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        while (ListElement(type) is Type element)
        {
            type = element;
        }

        return Nullable.GetUnderlyingType(type) ?? type;
    }

    /// <summary>
    /// The record types a section of declared type <paramref name="section"/> can hold: itself, or for a polymorphic
    /// section (<see cref="ModelConfig"/>) every derived record.
    /// </summary>
    public static IReadOnlyList<Type> VariantsOf(Type section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var derived = section.GetCustomAttributes<JsonDerivedTypeAttribute>(inherit: false).Select(a => a.DerivedType).ToArray();
        return derived.Length > 0 ? derived : [section];
    }

    private static IEnumerable<ConfigKey> KeysOf(Type section, string prefix)
    {
        // A key that two variants declare with the same type is listed once; with different types (each detector's
        // bbox_head) once per type, so every variant's keys are checked.
        var seen = new HashSet<(string, Type)>();
        foreach (var property in VariantsOf(section).SelectMany(PropertiesOf))
        {
            if (!seen.Add((property.Name, property.PropertyType)))
            {
                continue;
            }

            string key = prefix + JsonName(property);
            if (IsSection(property.PropertyType))
            {
                foreach (var inner in KeysOf(property.PropertyType, key + "."))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return new ConfigKey(key, property);
            }
        }
    }

    private static void CheckSection(object section, string prefix)
    {
        foreach (var property in PropertiesOf(section.GetType()))
        {
            string key = prefix + JsonName(property);
            object? value = property.GetValue(section);
            if (value is null)
            {
                // Nullable keys use null for "not set"; non-nullable ones cannot be null after loading.
                continue;
            }

            if (IsSection(property.PropertyType))
            {
                CheckSection(value, key + ".");
                continue;
            }

            if (value is Enum e && !Enum.IsDefined(e.GetType(), e))
            {
                throw Fail(key, $"{Convert.ToInt64(e, CultureInfo.InvariantCulture)} is not one of {EnumNames(e.GetType())}");
            }

            if (property.GetCustomAttribute<ConfigChoiceAttribute>() is { } choice && !choice.Values.Any(v => SameValue(v, value)))
            {
                throw Fail(key, $"{Show(value)} is not one of {string.Join(", ", choice.Values.Select(Show))}");
            }

            if (property.GetCustomAttribute<ConfigRangeAttribute>() is { } range)
            {
                CheckRange(key, value, range, outer: true);
            }
        }
    }

    private static void CheckRange(string key, object value, ConfigRangeAttribute range, bool outer)
    {
        if (value is IEnumerable list)
        {
            object?[] entries = list.Cast<object?>().ToArray();
            bool nested = ScalarDepth(value.GetType()) > 1;
            if (outer && entries.Length < range.MinEntries)
            {
                throw Fail(key, $"has {Entries(entries.Length)} (must have at least {range.MinEntries})");
            }

            if (!nested && range.Entries > 0 && entries.Length != range.Entries)
            {
                throw Fail(key, $"has {Entries(entries.Length)} (must have {range.Entries})");
            }

            for (int i = 0; i < entries.Length; i++)
            {
                string item = string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]");
                CheckRange(item, entries[i] ?? throw Fail(item, "null is not allowed"), range, outer: false);
            }

            return;
        }

        double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (!range.Range.Contains(number))
        {
            throw Fail(key, range.Range.Complaint(number));
        }
    }

    private static void CheckCrossKeyRules(DetectorConfig config)
    {
        var train = config.Train;
        if (train.MaxIters is null && train.MaxEpochs is null)
        {
            throw Fail("train.max_iters", "null, and so is train.max_epochs (set one of them)");
        }

        Increasing("train.steps", train.Steps);
        Increasing("train.step_epochs", train.StepEpochs);
        switch (config.Model)
        {
            case TwoStageModelConfig twoStage:
                NegativeNotAbovePositive("model.rpn.assigner", twoStage.Rpn.Assigner);
                NegativeNotAbovePositive("model.roi_head.assigner", twoStage.RoiHead.Assigner);
                OneStridePerLevel("model.rpn.anchor.strides", twoStage.Rpn.Anchor, twoStage.Neck);
                Balancer("model.rpn.balancer", twoStage.Rpn.Balancer, twoStage.Neck.NumOuts);
                // The R-CNN head pools from the four finest levels.
                Balancer("model.roi_head.balancer", twoStage.RoiHead.Balancer, 4);
                break;
            case RetinaNetModelConfig retina:
                NegativeNotAbovePositive("model.bbox_head.assigner", retina.BboxHead.Assigner);
                OneStridePerLevel("model.bbox_head.anchor.strides", retina.BboxHead.Anchor, retina.Neck);
                Balancer("model.bbox_head.balancer", retina.BboxHead.Balancer, retina.Neck.NumOuts);
                break;
            case AtssModelConfig atss:
                if (atss.Style != ImplementationStyle.Mmdetection)
                {
                    throw Fail("model.style", "torchvision has no ATSS (use mmdetection)");
                }

                OneStridePerLevel("model.bbox_head.anchor.strides", atss.BboxHead.Anchor, atss.Neck);
                GroupsDivideChannels("model.bbox_head", atss.BboxHead.NormGroups, atss.BboxHead.FeatChannels);
                if (atss.BboxHead.Assigner.Balance != CombinedIouBalance.Sum && !atss.BboxHead.Assigner.CombinedIous)
                {
                    throw Fail("model.bbox_head.assigner.balance", string.Create(CultureInfo.InvariantCulture,
                        $"{JsonNamingPolicy.SnakeCaseLower.ConvertName(atss.BboxHead.Assigner.Balance.ToString())} weighs the combined IoUs, but model.bbox_head.assigner.combined_ious is false (set it true)"));
                }

                Balancer("model.bbox_head.balancer", atss.BboxHead.Balancer, atss.Neck.NumOuts);
                break;
            case FcosModelConfig fcos:
                CheckFcos(fcos);
                Balancer("model.bbox_head.balancer", fcos.BboxHead.Balancer, fcos.Neck.NumOuts);
                break;
        }
    }

    private static void CheckFcos(FcosModelConfig model)
    {
        var head = model.BboxHead;
        int strides = head.Strides.Count, levels = model.Neck.NumOuts;
        if (strides != levels)
        {
            throw Fail("model.bbox_head.strides", string.Create(CultureInfo.InvariantCulture,
                $"has {Entries(strides)} but model.neck.num_outs is {levels} (one stride per level)"));
        }

        if (head.RegressRanges.Count != strides)
        {
            throw Fail("model.bbox_head.regress_ranges", string.Create(CultureInfo.InvariantCulture,
                $"has {Entries(head.RegressRanges.Count)} but model.bbox_head.strides has {strides} (one range per level)"));
        }

        for (int i = 0; i < head.RegressRanges.Count; i++)
        {
            var range = head.RegressRanges[i];
            if (range[0] > range[1])
            {
                throw Fail(string.Create(CultureInfo.InvariantCulture, $"model.bbox_head.regress_ranges[{i}]"),
                    string.Create(CultureInfo.InvariantCulture, $"[{range[0]}, {range[1]}] is not ordered (low must be <= high)"));
            }
        }

        if (head.Norm == HeadNorm.GroupNorm && head.StackedConvs > 0 && head.FeatChannels % FcosHeadConfig.GroupNormGroups != 0)
        {
            throw Fail("model.bbox_head.feat_channels", string.Create(CultureInfo.InvariantCulture,
                $"{head.FeatChannels} is not a multiple of {FcosHeadConfig.GroupNormGroups} (the group norm's groups; or set model.bbox_head.norm to none)"));
        }

        if (model.Style == ImplementationStyle.Torchvision)
        {
            // torchvision's FCOSHead has one shape: relu distances in anchor sizes, centerness on the box tower.
            if (!head.NormOnBbox)
            {
                throw Fail("model.bbox_head.norm_on_bbox", "false, but torchvision's FCOS head (model.style torchvision) predicts relu distances in strides (set it true)");
            }

            if (!head.CenternessOnReg)
            {
                throw Fail("model.bbox_head.centerness_on_reg", "false, but torchvision's FCOS head (model.style torchvision) predicts centerness from the box tower (set it true)");
            }
        }
    }

    /// <summary>A balancer enhances at most every level, draws from distinct actions and has ordered bounds.</summary>
    private static void Balancer(string key, LevelBalancerConfig? balancer, int levels)
    {
        if (balancer is null)
        {
            return;
        }

        if (balancer.Amplification.Count > levels)
        {
            throw Fail(key + ".amplification", string.Create(CultureInfo.InvariantCulture,
                $"has {Entries(balancer.Amplification.Count)} but the head has {levels} levels (one λ per enhanced level, N <= levels)"));
        }

        var bounds = balancer.ProbabilityBounds;
        if (bounds[0] > bounds[1])
        {
            throw Fail(key + ".probability_bounds", string.Create(CultureInfo.InvariantCulture,
                $"[{bounds[0]}, {bounds[1]}] is not ordered (β_min must be <= β_max)"));
        }

        if (balancer.Actions.Count == 0)
        {
            throw Fail(key + ".actions", "has 0 entries (must have at least 1)");
        }

        if (balancer.Actions.GroupBy(a => a).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw Fail(key + ".actions", $"names {JsonNamingPolicy.SnakeCaseLower.ConvertName(repeated.Key.ToString())} twice (each action once)");
        }
    }

    private static void OneStridePerLevel(string key, AnchorConfig anchor, NeckConfig neck)
    {
        int strides = anchor.Strides.Count, levels = neck.NumOuts;
        if (strides != levels)
        {
            throw Fail(key, string.Create(CultureInfo.InvariantCulture,
                $"has {Entries(strides)} but model.neck.num_outs is {levels} (one stride per level)"));
        }
    }

    private static void GroupsDivideChannels(string section, int groups, int channels)
    {
        if (channels % groups != 0)
        {
            throw Fail(section + ".norm_groups", string.Create(CultureInfo.InvariantCulture,
                $"{groups} does not divide {section}.feat_channels {channels} (GroupNorm needs whole groups)"));
        }
    }

    private static void Increasing(string key, IReadOnlyList<int> values)
    {
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i] <= values[i - 1])
            {
                throw Fail(key, string.Create(CultureInfo.InvariantCulture,
                    $"[{string.Join(", ", values)}] is not increasing (entry {i}, {values[i]}, must be above {values[i - 1]})"));
            }
        }
    }

    private static void NegativeNotAbovePositive(string key, AssignerConfig assigner)
    {
        if (assigner.NegIouThr > assigner.PosIouThr)
        {
            throw Fail(key + ".neg_iou_thr", string.Create(CultureInfo.InvariantCulture,
                $"{assigner.NegIouThr} is above {key}.pos_iou_thr {assigner.PosIouThr} (must be <= it)"));
        }
    }

    private static int ScalarDepth(Type type)
    {
        int depth = 0;
        for (Type? t = type; t is not null && t != typeof(string); t = ElementOf(t))
        {
            depth++;
        }

        return depth - 1;
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static bool SameValue(object allowed, object value) =>
        allowed is string || value is string
            ? string.Equals(allowed as string, value as string, StringComparison.Ordinal)
            : Convert.ToDouble(allowed, CultureInfo.InvariantCulture) == Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static string Show(object value) => value switch
    {
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string EnumNames(Type type) =>
        string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));

    private static string Entries(int count) => count == 1 ? "1 entry" : string.Create(CultureInfo.InvariantCulture, $"{count} entries");

    private static InputException Fail(string key, string problem) => new($"config {key}: {problem}");
}
