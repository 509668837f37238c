using System.Reflection;

namespace DynDet.Config;

/// <summary>A leaf key of <see cref="DetectorConfig"/>: its dotted name as users write it and the property behind it.</summary>
/// <param name="Key">Dotted snake_case path, e.g. <c>train.log_interval</c> or <c>model.rpn.assigner.pos_iou_thr</c>.</param>
/// <param name="Property">The record property that holds the value.</param>
public sealed record ConfigKey(string Key, PropertyInfo Property)
{
    /// <summary>The range of a numeric key, or null.</summary>
    public ConfigRangeAttribute? Range => Property.GetCustomAttribute<ConfigRangeAttribute>();

    /// <summary>The allowed values of a choice key, or null.</summary>
    public ConfigChoiceAttribute? Choice => Property.GetCustomAttribute<ConfigChoiceAttribute>();

    /// <summary>The scalar type of the value: the property type without <see cref="Nullable{T}"/> and list wrappers.</summary>
    public Type ScalarType => ConfigValidator.ScalarOf(Property.PropertyType);
}
