using System.Text.Json.Nodes;
using DynDet.TestSupport;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>metrics.json's per-level loss values: written in every training entry, averaged level by level.</summary>
public sealed class PerLevelMetricsTests : TorchTest
{
    [Fact]
    public void Training_entries_hold_each_per_level_terms_window_means_that_sum_to_the_term()
    {
        string output = TinyTraining.TemporaryFolder();
        try
        {
            var config = TinyTraining.Config(overrides: ["train.max_iters=3", "train.log_interval=2", "train.warmup_iters=1"]);
            new Trainer(TinyTraining.Options(config, output)).Run();
            var train = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!["train"]!.AsArray();
            Assert.Equal([2L, 3], train.Select(e => e!["iter"]!.GetValue<long>()));
            foreach (var entry in train)
            {
                var levels = entry!["levels"]!.AsObject();
                Assert.Equal(["loss_rpn_cls", "loss_rpn_bbox", "loss_cls", "loss_bbox"], levels.Select(p => p.Key));
                foreach (var (name, node) in levels)
                {
                    double[] values = [.. node!.AsArray().Select(v => v!.GetValue<double>())];
                    Assert.Equal(name.StartsWith("loss_rpn", StringComparison.Ordinal) ? 5 : 4, values.Length);
                    Assert.All(values, v => Assert.True(double.IsFinite(v) && v >= 0, $"{name}: {v}"));
                    // The window mean of each level sums to the window mean of the term (float32 rounding apart).
                    double term = entry[name]!.GetValue<double>();
                    Assert.True(Math.Abs(values.Sum() - term) <= 1e-6 * term + 1e-9, $"{name}: levels sum to {values.Sum():R}, the term is {term:R}");
                }

                Assert.True(levels["loss_rpn_cls"]!.AsArray().Count(v => v!.GetValue<double>() > 0) >= 3,
                    "the RPN's objectness should reach several levels");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void The_loss_window_averages_each_level_over_the_steps_and_forgets_them_on_reset()
    {
        var window = new LossWindow();
        window.Add(new Dictionary<string, double> { ["loss_cls"] = 6 }, new Dictionary<string, double[]> { ["loss_cls"] = [1, 2, 3] });
        window.Add(new Dictionary<string, double> { ["loss_cls"] = 12 }, new Dictionary<string, double[]> { ["loss_cls"] = [3, 4, 5] });
        Assert.Equal([2.0, 3, 4], window.LevelMeans()["loss_cls"]);
        window.Reset();
        Assert.Empty(window.LevelMeans());
        window.Add(new Dictionary<string, double> { ["loss_cls"] = 1 });
        Assert.Empty(window.LevelMeans());
    }
}
