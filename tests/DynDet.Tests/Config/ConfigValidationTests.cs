using System.Xml.Linq;
using DynDet.Config;
using DynDet.TestSupport;

namespace DynDet.Tests.Config;

/// <summary>
/// <see cref="ConfigValidator"/>: every numeric key has a documented range, and every value outside it (and every
/// broken rule across keys) is one <c>error:</c> line naming the key, exit 2 — as an override and in a file.
/// </summary>
public sealed class ConfigValidationTests
{
    /// <summary>String keys that are free text (paths, dataset SPECs, names); any other string key needs a choice.</summary>
    private static readonly HashSet<string> FreeTextKeys = ["name", "load_from", "model.backbone.weights", "data.train", "data.val"];

    public static TheoryData<OutOfRangeConfigKey> AllCases => [.. OutOfRangeConfigKeys.All];

    [Fact]
    public void Every_numeric_key_has_a_range_or_a_choice()
    {
        Type[] numeric = [typeof(int), typeof(long), typeof(double), typeof(float)];
        var missing = ConfigValidator.Keys
            .Where(k => numeric.Contains(k.ScalarType) && k.Range is null && k.Choice is null)
            .Select(k => k.Key)
            .ToArray();
        Assert.True(missing.Length == 0, $"numeric config keys without [ConfigRange] or [ConfigChoice]: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_string_key_is_a_choice_or_known_free_text()
    {
        var missing = ConfigValidator.Keys
            .Where(k => k.ScalarType == typeof(string) && k.Choice is null && !FreeTextKeys.Contains(k.Key))
            .Select(k => k.Key)
            .ToArray();
        Assert.True(missing.Length == 0, $"string config keys neither [ConfigChoice] nor listed as free text: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_ranged_key_has_a_bad_value_in_the_shared_table()
    {
        var covered = OutOfRangeConfigKeys.Ranged.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var missing = ConfigValidator.Keys
            .Where(k => (k.Range is not null || k.Choice is not null) && !covered.Contains(k.Key))
            .Select(k => k.Key)
            .ToArray();
        Assert.True(missing.Length == 0, $"ranged keys missing from OutOfRangeConfigKeys.Ranged: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_ranged_key_documents_its_default_and_range()
    {
        var assembly = typeof(DetectorConfig).Assembly;
        var docs = XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml"));
        var summaries = docs.Descendants("member").ToDictionary(
            m => (string)m.Attribute("name")!,
            m => string.Join(' ', ((string?)m.Element("summary") ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        var problems = new List<string>();
        foreach (var key in ConfigValidator.Keys.Where(k => k.Range is not null || k.Choice is not null))
        {
            var property = key.Property;
            string summary = summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}", string.Empty);
            if (!summary.Contains("default", StringComparison.Ordinal))
            {
                problems.Add($"{key.Key}: no default in '{summary}'");
            }

            string[] rules = key.Range is { } range
                ? [range.Range.Describe()]
                : key.Choice!.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!).ToArray();
            foreach (string rule in rules.Where(r => !summary.Contains(r, StringComparison.Ordinal)))
            {
                problems.Add($"{key.Key}: '{rule}' not in '{summary}'");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_preset_is_valid()
    {
        foreach (string preset in ConfigLoader.PresetNames)
        {
            var config = ConfigLoader.Load(preset);
            ConfigValidator.Validate(config);
        }

        Assert.Contains(OutOfRangeConfigKeys.BasePreset, ConfigLoader.PresetNames);
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void A_bad_override_is_one_error_line_naming_the_key_and_exit_2(OutOfRangeConfigKey bad)
    {
        using var folder = new TempFolder();
        var run = CliCapture.Run("train", "--config", bad.Preset, "--train-data", folder.PathOf("none.json"),
            "--out", folder.PathOf("run"), bad.Override);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {bad.Message}{Environment.NewLine}", run.Error);
        Assert.Empty(run.Output);
        Assert.False(Directory.Exists(folder.PathOf("run")));
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void A_bad_value_in_a_config_file_is_the_same_one_line_error(OutOfRangeConfigKey bad)
    {
        using var folder = new TempFolder();
        string file = folder.Write("bad.json", OutOfRangeConfigKeys.ConfigFileText(bad));
        var run = CliCapture.Run("train", "--config", file, "--train-data", folder.PathOf("none.json"), "--out", folder.PathOf("run"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {bad.Message}{Environment.NewLine}", run.Error);
    }

    [Theory]
    [InlineData("train.log_interval=1")]
    [InlineData("train.seed=0")]
    [InlineData("train.threads=0")]
    [InlineData("data.workers=0")]
    [InlineData("data.flip_probability=1")]
    [InlineData("train.warmup_ratio=1")]
    [InlineData("train.momentum=0")]
    [InlineData("model.backbone.frozen_stages=-1")]
    [InlineData("model.backbone.width=4")]
    [InlineData("model.roi_head.test.score_thr=0")]
    [InlineData("data.test_scale=[8192,1]")]
    public void Values_at_the_closed_ends_of_a_range_are_accepted(string assignment) =>
        Assert.IsType<DetectorConfig>(ConfigLoader.Load(OutOfRangeConfigKeys.BasePreset, [assignment]));

    [Fact]
    public void Steps_beyond_max_iters_are_allowed_so_a_short_run_keeps_the_presets_schedule()
    {
        var config = ConfigLoader.Load(OutOfRangeConfigKeys.BasePreset, ["train.max_iters=3"]);
        Assert.Equal([1500, 1800], config.Train.Steps);
        Assert.Equal(3, config.Train.MaxIters);
    }

    [Fact]
    public void A_config_read_from_a_checkpoint_is_validated_and_the_message_names_the_checkpoint()
    {
        string json = ConfigLoader.ToJson(ConfigLoader.Load(OutOfRangeConfigKeys.BasePreset)).Replace(
            "\"log_interval\": 20", "\"log_interval\": 0", StringComparison.Ordinal);
        Assert.Contains("\"log_interval\": 0", json, StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ConfigLoader.FromJson(json, "run/latest.pth"));
        Assert.Equal("run/latest.pth: config train.log_interval: 0 is out of range (must be >= 1)", e.Message);
    }

    [Theory]
    [InlineData("train.lr", "override 'train.lr' is not KEY=VALUE")]
    [InlineData("=0.1", "override '=0.1' is not KEY=VALUE")]
    [InlineData("--bogus", "override '--bogus' is not KEY=VALUE (nor an option of this command; see --help)")]
    [InlineData("train..lr=0.1", "override 'train..lr=0.1': the key 'train..lr' has an empty part (write e.g. train.lr=0.01)")]
    [InlineData("train.lr.x=0.1", "override 'train.lr.x=0.1': train.lr is a value, not a section of keys")]
    public void A_malformed_override_is_one_line_naming_it(string assignment, string message)
    {
        var e = Assert.Throws<InputException>(() => ConfigLoader.Load(OutOfRangeConfigKeys.BasePreset, [assignment]));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_base_that_is_not_a_string_is_one_line_naming_the_file()
    {
        using var folder = new TempFolder();
        string file = folder.Write("odd.json", """{ "_base_": 5 }""");
        var e = Assert.Throws<InputException>(() => ConfigLoader.Load(file));
        Assert.Equal("config odd: '_base_' must be a preset name or a file path (a string), or a non-empty list of them", e.Message);
    }
}
