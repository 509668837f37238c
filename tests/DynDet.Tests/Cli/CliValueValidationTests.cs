using DynDet.TestSupport;

namespace DynDet.Tests.Cli;

/// <summary>
/// Numeric options of every command are checked while parsing: a value out of range, one that does not parse, and
/// System.CommandLine's own usage errors are exactly one <c>error:</c> line naming the option, exit 2, nothing done.
/// </summary>
public sealed class CliValueValidationTests
{
    private const string Preset = OutOfRangeConfigKeys.BasePreset;

    public static TheoryData<string[], string> BadOptions => new()
    {
        { ["train", "--config", Preset, "--max-iters", "0"], "error: --max-iters 0 is out of range (must be >= 1) (see --help)" },
        { ["train", "--config", Preset, "--max-iters", "-5"], "error: --max-iters -5 is out of range (must be >= 1) (see --help)" },
        { ["train", "--config", Preset, "--max-iters", "abc"], "error: --max-iters 'abc' is not an integer (see --help)" },
        { ["train", "--config", Preset, "--max-iters", "99999999999"], "error: --max-iters '99999999999' is not an integer (see --help)" },
        { ["train", "--config", Preset, "--seed", "-1"], "error: --seed -1 is out of range (must be >= 0) (see --help)" },
        { ["train", "--config", Preset, "--nproc", "0"], "error: --nproc 0 is out of range (must be in [1, 1024]) (see --help)" },
        { ["train", "--config", Preset, "--dist-timeout", "0"], "error: --dist-timeout 0 is out of range (must be >= 1) (see --help)" },
        { ["bench", "--model", "fasterrcnn_r18", "--size", "31"], "error: --size 31 is out of range (must be in [32, 4096]) (see --help)" },
        { ["bench", "--model", "fasterrcnn_r18", "--size", "5000"], "error: --size 5000 is out of range (must be in [32, 4096]) (see --help)" },
        { ["bench", "--model", "fasterrcnn_r18", "--batch", "0"], "error: --batch 0 is out of range (must be in [1, 256]) (see --help)" },
        { ["bench", "--model", "fasterrcnn_r18", "--iters", "0"], "error: --iters 0 is out of range (must be >= 1) (see --help)" },
        { ["bench", "--model", "fasterrcnn_r18", "--threads", "0"], "error: --threads 0 is out of range (must be in [1, 1024]) (see --help)" },
        { ["bench", "--model", "fasterrcnn_r18", "--threads", "99999"], "error: --threads 99999 is out of range (must be in [1, 1024]) (see --help)" },
        { ["predict", "--checkpoint", "none.pth", "a.png", "--score-thr", "1.5"], "error: --score-thr 1.5 is out of range (must be in [0, 1]) (see --help)" },
        { ["predict", "--checkpoint", "none.pth", "a.png", "--score-thr", "-0.1"], "error: --score-thr -0.1 is out of range (must be in [0, 1]) (see --help)" },
        { ["predict", "--checkpoint", "none.pth", "a.png", "--score-thr", "NaN"], "error: --score-thr NaN is out of range (must be in [0, 1]) (see --help)" },
        { ["predict", "--checkpoint", "none.pth", "a.png", "--score-thr", "high"], "error: --score-thr 'high' is not a number (see --help)" },
        { ["data", "synth", "--out", "none", "--images", "0"], "error: --images 0 is out of range (must be >= 1) (see --help)" },
        { ["data", "synth", "--out", "none", "--size", "16"], "error: --size 16 is out of range (must be in [32, 4096]) (see --help)" },
        { ["data", "synth", "--out", "none", "--seed", "-1"], "error: --seed '-1' is not an integer >= 0 (see --help)" },
        { ["data", "synth", "--out", "none", "--format", "gif"], "error: Argument 'gif' not recognized. Must be one of: 'png' 'jpg' (see --help)" },
        { ["data", "bench", "synthetic", "--batch", "0"], "error: --batch 0 is out of range (must be in [1, 1024]) (see --help)" },
        { ["data", "bench", "synthetic", "--workers", "-1"], "error: --workers -1 is out of range (must be in [0, 256]) (see --help)" },
        { ["data", "bench", "synthetic", "--batches", "0"], "error: --batches 0 is out of range (must be >= 1) (see --help)" },
        { ["data", "bench", "synthetic", "--scale", "0,800"], "error: --scale '0,800': expected LONG,SHORT with each in [1, 8192], e.g. 1333,800" },
        { ["demo", "--out", "none", "train.log_interval=0"], "error: config train.log_interval: 0 is out of range (must be >= 1)" },
        { ["demo", "--out", "none", "model.dynamic_rcnn.iou_topk=0"], "error: config model.dynamic_rcnn.iou_topk: 0 is out of range (must be >= 1)" },
        { ["demo", "--out", "none", "--method", "nosuch"], "error: demo --method nosuch: no such comparison (choose from dynamic-atss, balancers-retinanet, balancers-faster-rcnn)" },
        { ["compare", "faster_rcnn_r18_cpu", "--name", "a", "--name", "b", "--out", "none"], "error: compare: 2 --name for 1 rows; give one --name per row, in row order, or none" },
        { ["nosuch"], "error: Unrecognized command or argument 'nosuch'. (see --help)" },
        { [], "error: Required command was not provided. (see --help)" },
        { ["train"], "error: Option '--config' is required. (see --help)" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_option_value_is_one_error_line_naming_it_and_exit_2(string[] args, string expected)
    {
        using var folder = new TempFolder();
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder.Path;
        try
        {
            var run = CliCapture.Run(args);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal(expected + Environment.NewLine, run.Error);
            Assert.Empty(run.Output);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}
