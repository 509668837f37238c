using DynDet.Config;
using DynDet.Data;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary>Small, fast training runs for tests: a quarter-width ResNet-18 Faster R-CNN on 128 px synthetic data.</summary>
internal static class TinyTraining
{
    public const string TrainData = "synthetic:images=400,seed=1,width=128,height=128,classes=2,max_objects=2,min_size=32";
    public const string ValData = "synthetic:images=40,seed=2,width=128,height=128,classes=2,max_objects=2,min_size=32";

    /// <summary>The overrides that make a preset tiny (also passed to the command line by end-to-end tests).</summary>
    public static readonly string[] Overrides =
    [
        "model.backbone.width=0.25", "model.neck.out_channels=32", "model.roi_head.fc_channels=128",
        "data.train_scales=[[128,128]]", "data.test_scale=[128,128]",
        "model.rpn.train_proposals.max_per_image=200", "model.rpn.test_proposals.max_per_image=200",
        "model.roi_head.sampler.num=128", "train.warmup_iters=50", "train.lr=0.01", "train.log_interval=20",
    ];

    public static DetectorConfig Config(string preset = "faster_rcnn_r18_cpu", params string[] overrides) =>
        ConfigLoader.Load(preset, [.. Overrides, .. overrides]);

    public static TrainerOptions Options(DetectorConfig config, string output, bool withValidation = false, bool resume = false) => new()
    {
        Config = config,
        TrainData = DatasetSpec.Open(TrainData),
        ValData = withValidation ? DatasetSpec.Open(ValData) : null,
        OutputDirectory = output,
        Resume = resume,
        Log = TextWriter.Null,
        ShowProgress = false,
    };

    public static string TemporaryFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), $"dyndet-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
