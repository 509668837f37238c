using System.Text;
using System.Text.Json.Nodes;
using DynDet.Comparison;
using DynDet.Tests.Training;
using DynDet.TestSupport;

namespace DynDet.Tests.Comparison;

public sealed class CompareRunnerTests : TorchTest
{
    [Fact]
    public void A_2x2_grid_interrupted_in_its_second_cell_resumes_that_cell_and_does_not_rerun_the_first()
    {
        using var folder = new TempFolder();
        using var cancel = new CancellationTokenSource();
        var log = new CueWriter("compare: cell 2/4", cancel);
        ComparisonOptions Options(TextWriter writer) => new()
        {
            Rows = [CompareRow.Parse("faster_rcnn_r18_cpu"), CompareRow.Parse("faster_rcnn_r18_cpu@train.lr=0.005")],
            Seeds = [1, 2],
            OutputDirectory = folder.Path,
            Overrides = [.. TinyTraining.Overrides, "train.max_iters=3", "train.warmup_iters=1", "train.log_interval=1"],
            TrainData = TinyTraining.TrainData,
            ValData = "synthetic:images=4,seed=2,width=128,height=128,classes=2,max_objects=2,min_size=32",
            Log = writer,
            ShowProgress = false,
        };

        // First attempt: cancelled as cell 2 starts; the trainer stops after its first step and saves.
        Assert.Null(new CompareRunner(Options(log)).Run(cancel.Token));
        string first = Path.Combine(folder.Path, "00_faster_rcnn_r18_cpu", "seed1", CompareRunner.ResultFile);
        string second = Path.Combine(folder.Path, "00_faster_rcnn_r18_cpu", "seed2");
        Assert.True(File.Exists(first));
        Assert.False(File.Exists(Path.Combine(second, CompareRunner.ResultFile)));
        Assert.True(File.Exists(Path.Combine(second, "latest.pth")));
        var firstWritten = File.GetLastWriteTimeUtc(first);

        // Second attempt: cell 1 is read back, cell 2 resumes from its checkpoint, cells 3 and 4 run.
        var again = new StringWriter();
        var result = new CompareRunner(Options(again)).Run();
        Assert.NotNull(result);
        string text = again.ToString();
        Assert.Contains("compare: cell 1/4 (faster_rcnn_r18_cpu, seed 1) finished earlier", text);
        Assert.Contains($"resumed from {Path.Combine(second, "latest.pth")} at iteration 1", text);
        Assert.Equal(firstWritten, File.GetLastWriteTimeUtc(first));
        Assert.Equal(4, result.Cells.Count);
        Assert.Equal([(0, 1), (0, 2), (1, 1), (1, 2)], result.Cells.Select(c => (c.Row, c.Seed)));

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, "compare.json")))!;
        Assert.Equal("faster_rcnn_r18_cpu", json["baseline"]!.GetValue<string>());
        Assert.Equal(2, json["rows"]!.AsArray().Count);
        Assert.NotNull(json["rows"]![1]!["diff_vs_baseline"]!["AP"]);
        string page = File.ReadAllText(Path.Combine(folder.Path, "index.html"));
        // The rows side by side (the loss, each row's mean over its seeds), then each row's seeds.
        Assert.Contains("<h2>Rows side by side</h2>", page);
        Assert.True(page.IndexOf("Rows side by side", StringComparison.Ordinal) < page.IndexOf("<h2>faster_rcnn_r18_cpu</h2>", StringComparison.Ordinal));
    }

    [Fact]
    public void A_finished_cell_whose_row_now_resolves_to_another_config_is_refused_not_mixed()
    {
        using var folder = new TempFolder();
        var options = OneIteration(folder.Path, CompareRow.Parse("faster_rcnn_r18_cpu@train.lr=0.01"));
        Assert.NotNull(new CompareRunner(options).Run());
        // Same row folder name would need the same label; a changed common override changes the config instead.
        var changed = options with { Overrides = [.. TinyTraining.Overrides, "train.max_iters=1", "train.warmup_iters=1", "train.momentum=0.8"] };
        var e = Assert.Throws<InputException>(() => new CompareRunner(changed).Run());
        Assert.Contains("this cell was run with another config", e.Message);
    }

    [Fact]
    public void A_named_row_is_shown_by_its_name_and_still_records_what_it_ran()
    {
        using var folder = new TempFolder();
        var result = new CompareRunner(OneIteration(folder.Path, CompareRow.Parse("faster_rcnn_r18_cpu@train.lr=0.01", "lower lr"))).Run();
        Assert.NotNull(result);
        Assert.Contains("| lower lr | 1 |", CompareTable.Format(result));
        Assert.True(File.Exists(Path.Combine(folder.Path, "00_lower_lr", "seed1", CompareRunner.ResultFile)));
        var row = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, "compare.json")))!["rows"]![0]!;
        Assert.Equal("lower lr", row["label"]!.GetValue<string>());
        Assert.Equal("faster_rcnn_r18_cpu@train.lr=0.01", row["spec"]!.GetValue<string>());
        Assert.Contains("<code>faster_rcnn_r18_cpu@train.lr=0.01</code>", File.ReadAllText(Path.Combine(folder.Path, "index.html")));
    }

    [Theory]
    [InlineData("--seeds", "1,x", "error: --seeds '1,x': 'x' is not a non-negative integer (e.g. --seeds 1,2,3)")]
    [InlineData("--seeds", "2,2", "error: compare --seeds 2,2: give distinct seeds >= 0, e.g. 1,2,3")]
    public void Compare_refuses_bad_seeds_with_one_error_line_and_exit_2(string option, string value, string expected)
    {
        var (exit, _, error) = CliCapture.Run("compare", "faster_rcnn_r18_cpu", option, value, "--out", Path.GetTempPath());
        Assert.Equal(2, exit);
        Assert.Equal(expected, error.Trim());
    }

    /// <summary>One row, one seed, one iteration of the tiny detector.</summary>
    private static ComparisonOptions OneIteration(string folder, CompareRow row) => new()
    {
        Rows = [row],
        Seeds = [1],
        OutputDirectory = folder,
        Overrides = [.. TinyTraining.Overrides, "train.max_iters=1", "train.warmup_iters=1"],
        TrainData = TinyTraining.TrainData,
        ValData = "synthetic:images=2,seed=2,width=128,height=128,classes=2,max_objects=2,min_size=32",
        Log = TextWriter.Null,
        ShowProgress = false,
    };

    /// <summary>A log that cancels when a line containing the cue is written.</summary>
    private sealed class CueWriter(string cue, CancellationTokenSource cancel) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value != '\n')
            {
                _line.Append(value);
                return;
            }

            if (_line.ToString().Contains(cue, StringComparison.Ordinal))
            {
                cancel.Cancel();
            }

            _line.Clear();
        }
    }
}
