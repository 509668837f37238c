using System.Text.Json.Nodes;
using DynDet.Demo;
using DynDet.TestSupport;

namespace DynDet.Tests.Demo;

public sealed class DemoRunnerTests : TorchTest
{
    [Fact]
    public void The_demo_trains_both_presets_and_writes_the_table_curves_previews_and_summary()
    {
        string output = Path.Combine(Path.GetTempPath(), $"dyndet-demo-{Guid.NewGuid():N}");
        try
        {
            var result = new DemoRunner(new DemoOptions
            {
                OutputDirectory = output,
                Overrides =
                [
                    "train.max_iters=6", "train.steps=[5]", "train.warmup_iters=2", "model.dynamic_rcnn.update_interval=2",
                    "model.dynamic_rcnn.iou_topk=10", "model.backbone.width=0.25", "model.neck.out_channels=16",
                    "model.roi_head.fc_channels=32", "model.rpn.train_proposals.max_per_image=100",
                    "model.rpn.test_proposals.max_per_image=100", "data.train_scales=[[96,96]]", "data.test_scale=[96,96]",
                    "data.train=synthetic:images=12,seed=1,size=96,classes=3", "data.val=synthetic:images=6,seed=2,size=96,classes=3",
                ],
                PreviewImages = 2,
                // A hand-made study: the demo takes its overrides and first seed, and prints its spread.
                Study = StudyRecord.Parse("hand", """
                    { "title": "hand study", "command": "dyndet compare ...", "finding": "nothing to see", "seeds": [5, 6, 7],
                      "overrides": ["train.log_interval=3"],
                      "rows": [
                        { "label": "Faster R-CNN", "config": "faster_rcnn_r18_cpu", "overrides": [],
                          "seeds": { "5": { "AP": 0.30, "AP90": 0.05 }, "6": { "AP": 0.40, "AP90": 0.07 }, "7": { "AP": 0.50, "AP90": 0.09 } } },
                        { "label": "Dynamic R-CNN", "config": "dynamic_rcnn_r18_cpu", "overrides": [],
                          "seeds": { "5": { "AP": 0.32, "AP90": 0.06 }, "6": { "AP": 0.40, "AP90": 0.09 }, "7": { "AP": 0.54, "AP90": 0.12 } } } ] }
                    """),
                Log = TextWriter.Null,
                ShowProgress = false,
            }).Run();
            Assert.Equal(6, result.Baseline.Training.Iterations);
            Assert.Equal(6, result.Dynamic.Training.Iterations);
            Assert.Equal(3, result.Updates.Count); // every 2 iterations
            Assert.All(result.Updates, u => Assert.InRange(u.Threshold, 0.4, 1.0));
            string table = DemoTable.Format(result);
            Assert.Contains("Faster R-CNN", table, StringComparison.Ordinal);
            Assert.Contains("Dynamic R-CNN", table, StringComparison.Ordinal);
            Assert.Contains("AP90", table, StringComparison.Ordinal);
            // The study's AP 40.0 ± 10.0 and 42.0 ± 11.1; paired +2.0 ± 2.0 (differences 2, 0, 4); its finding.
            Assert.Contains("40.0 ± 10.0", table, StringComparison.Ordinal);
            Assert.Contains("42.0 ± 11.1", table, StringComparison.Ordinal);
            Assert.Contains("+2.0 ± 2.0", table, StringComparison.Ordinal);
            Assert.Contains("study (hand study): nothing to see", table, StringComparison.Ordinal);
            // Both runs used the study's first seed and its overrides.
            foreach (string preset in new[] { "faster_rcnn_r18_cpu", "dynamic_rcnn_r18_cpu" })
            {
                var config = JsonNode.Parse(File.ReadAllText(Path.Combine(output, preset, "config.json")))!;
                Assert.Equal(5, config["train"]!["seed"]!.GetValue<int>());
                Assert.Equal(3, config["train"]!["log_interval"]!.GetValue<int>());
            }

            string html = File.ReadAllText(result.ReportPath);
            Assert.Contains("<svg", html, StringComparison.Ordinal);
            Assert.Contains("images/val_001_dynamic.png", html, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(output, "images", "val_001_baseline.png")));
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!;
            Assert.Equal(6, summary["faster_rcnn_r18_cpu"]!["iterations"]!.GetValue<long>());
            Assert.Equal(3, summary["updates"]!.AsArray().Count);
            // The baseline has no dynamic state; the dynamic run's metrics.json logged every update.
            var baselineMetrics = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "faster_rcnn_r18_cpu", "metrics.json")))!;
            Assert.Empty(baselineMetrics["dynamic"]!.AsArray());
            var dynamicMetrics = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "dynamic_rcnn_r18_cpu", "metrics.json")))!;
            Assert.Equal(6, dynamicMetrics["dynamic"]!.AsArray().Count); // dla and dsl, 3 updates each
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
