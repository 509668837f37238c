using DynDet.Comparison;
using DynDet.Demo;
using DynDet.TestSupport;

namespace DynDet.Tests.Demo;

public sealed class MethodDemoTests : TorchTest
{
    [Fact]
    public void Every_method_demo_finds_its_study_and_its_rows_and_every_study_reads_back()
    {
        foreach (var demo in MethodDemo.OneStage)
        {
            Assert.Contains(demo.StudyKey, StudyRecord.Keys);
        }

        foreach (string key in StudyRecord.Keys)
        {
            var study = StudyRecord.Find(key)!;
            Assert.True(study.Seeds.Count >= 3, $"{key}: {study.Seeds.Count} seeds");
            for (int r = 0; r < study.Result.Rows.Count; r++)
            {
                Assert.Equal(study.Seeds.Count, study.Result.Summary(r, "AP").Seeds);
            }

            foreach (var demo in MethodDemo.OneStage.Where(d => d.StudyKey == key))
            {
                Assert.All(demo.RowSpecs, spec => Assert.True(study.RowOf(spec) >= 0, $"{key} has no row {spec}"));
            }
        }
    }

    [Fact]
    public void The_study_record_keeps_the_hand_checkable_numbers_of_its_compare_json()
    {
        // Two rows, three seeds: AP 0.10, 0.20, 0.30 and 0.15, 0.15, 0.30 → means 0.20 and 0.20, paired differences
        // +0.05, −0.05, 0 → mean 0, std 0.05.
        const string json = """
            { "title": "t", "command": "c", "finding": "f", "seeds": [1, 2, 3], "overrides": ["train.max_iters=5"],
              "rows": [
                { "label": "A", "config": "atss_r18_cpu", "overrides": [], "seeds": { "1": { "AP": 0.10 }, "2": { "AP": 0.20 }, "3": { "AP": 0.30 } } },
                { "label": "B", "config": "atss_r18_cpu", "overrides": ["train.lr=0.1"], "seeds": { "1": { "AP": 0.15 }, "2": { "AP": 0.15 }, "3": { "AP": 0.30 } } } ] }
            """;
        var study = StudyRecord.Parse("hand", json);
        Assert.Equal(["train.max_iters=5"], study.Overrides);
        Assert.Equal(1, study.RowOf("atss_r18_cpu@train.lr=0.1"));
        Assert.Equal(0.2, study.Result.Summary(0, "AP").Mean, 12);
        Assert.Equal(0.1, study.Result.Summary(0, "AP").Std, 12);
        var (mean, std, pairs) = study.Result.Difference(1, "AP");
        Assert.Equal((0.0, 0.05, 3), (Math.Round(mean, 12), Math.Round(std, 12), pairs));
        var e = Assert.Throws<InputException>(() => StudyRecord.Parse("broken", "{ \"title\": \"t\" }"));
        Assert.StartsWith("study broken: no 'rows'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_demo_reruns_its_rows_with_the_study_seed_and_prints_the_study_spread_beside_them()
    {
        using var folder = new TempFolder();
        var demo = MethodDemo.OneStage.Single(d => d.Key == "dynamic-atss");
        var result = new MethodDemoRunner(folder.Path,
        [
            "train.max_iters=2", "train.warmup_iters=1", "train.steps=[1]", "model.backbone.width=0.25", "data.workers=0",
            "data.train=synthetic:images=4,seed=1,size=96,classes=4", "data.val=synthetic:images=2,seed=2,size=96,classes=4",
            "data.train_scales=[[96,96]]", "data.test_scale=[96,96]",
        ], TextWriter.Null, showProgress: false).Run(demo);
        Assert.NotNull(result);
        var study = result.Study;
        Assert.Equal([study.Seeds[0]], result.Run.Cells.Select(c => c.Seed).Distinct());
        Assert.Equal(["ATSS", "Dynamic ATSS"], result.Run.Rows.Select(r => r.Label));
        Assert.True(File.Exists(Path.Combine(folder.Path, "dynamic-atss", "compare.json")));
        string table = MethodDemoTable.Format(result);
        // The study's AP of Dynamic ATSS and its paired difference against ATSS, as `dyndet compare` printed them.
        int dynamic = study.RowOf("dynamic_atss_r18_cpu"), atss = study.RowOf("atss_r18_cpu");
        var (mean, std, _) = study.Result.Summary(dynamic, "AP");
        Assert.Contains(CompareTable.Cell(mean, std), table, StringComparison.Ordinal);
        Assert.Equal(0, atss);
        var (dm, ds, _) = study.Result.Difference(dynamic, "AP");
        Assert.Contains(CompareTable.Difference(dm, ds), table, StringComparison.Ordinal);
        Assert.Contains("study: " + study.Finding, table, StringComparison.Ordinal);
    }
}
