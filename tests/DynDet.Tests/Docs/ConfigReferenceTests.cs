using DynDet.Config;
using DynDet.TestSupport;

namespace DynDet.Tests.Docs;

public sealed class ConfigReferenceTests
{
    [Fact]
    public void Docs_config_reference_is_what_the_config_records_generate_now()
    {
        string path = Path.Combine(TestPaths.Repository, "docs", "config-reference.md");
        Assert.True(File.Exists(path), $"{path} is missing: run ./dyndet config reference --out docs/config-reference.md");
        string expected = ConfigReference.Markdown();
        Assert.True(File.ReadAllText(path) == expected,
            "docs/config-reference.md is stale (a config record changed): run ./dyndet config reference --out docs/config-reference.md");
    }

    [Fact]
    public void The_reference_lists_every_config_key_with_its_documentation()
    {
        string markdown = ConfigReference.Markdown();
        foreach (var key in ConfigValidator.Keys)
        {
            Assert.Contains($"| `{key.Key}` |", markdown);
        }

        // Ranges and documentation come from the records: train.log_interval is >= 1 and documented.
        Assert.Matches(@"\| `train\.log_interval` \| integer \| `\d+` \| \[1, ∞\) \| \S", markdown);
    }

    [Fact]
    public void Config_show_prints_the_resolved_config_with_overrides_and_refuses_an_unknown_key()
    {
        var (exit, output, error) = CliCapture.Run("config", "show", "retinanet_r18_cpu", "train.lr=0.005");
        Assert.True(exit == 0, error);
        var config = ConfigLoader.FromJson(output, "stdout");
        Assert.Equal(0.005, config.Train.Lr);
        Assert.Equal("retinanet", System.Text.Json.Nodes.JsonNode.Parse(output)!["model"]!["type"]!.GetValue<string>());

        (exit, _, error) = CliCapture.Run("config", "show", "retinanet_r18_cpu", "train.no_such_key=1");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
