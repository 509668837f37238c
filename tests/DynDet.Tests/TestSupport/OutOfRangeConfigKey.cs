namespace DynDet.TestSupport;

/// <summary>
/// One bad config value: <see cref="Key"/> set to <see cref="Value"/> on <see cref="OutOfRangeConfigKeys.BasePreset"/>
/// must fail to load with exactly <see cref="Message"/> (after <c>error: </c> on the command line).
/// </summary>
/// <param name="Key">Dotted key as users write it, e.g. <c>train.log_interval</c>.</param>
/// <param name="Value">The value as written after <c>KEY=</c> (JSON, or a bare string).</param>
/// <param name="Message">The whole one-line message of the <c>InputException</c>.</param>
/// <param name="Preset">The preset the value is applied to (a key of another detector type needs its own).</param>
public sealed record OutOfRangeConfigKey(string Key, string Value, string Message, string Preset = OutOfRangeConfigKeys.BasePreset)
{
    /// <summary>The <c>KEY=VALUE</c> override.</summary>
    public string Override => $"{Key}={Value}";

    /// <inheritdoc/>
    public override string ToString() => Override;
}
