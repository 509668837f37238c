namespace DynDet.Config;

/// <summary>
/// The only values a config key may take (numbers or strings), checked by <see cref="ConfigValidator"/> right after
/// a config is loaded; for keys whose allowed values are a short list rather than a range (e.g. a ResNet depth).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ConfigChoiceAttribute : Attribute
{
    /// <summary>Allows exactly <paramref name="values"/>.</summary>
    public ConfigChoiceAttribute(params object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
    }

    /// <summary>The allowed values, in the order messages list them.</summary>
    public IReadOnlyList<object> Values { get; }
}
