using DynDet.Tests.Training;
using DynDet.TestSupport;
using DynDet.Torch;
using DynDet.Training;

namespace DynDet.Tests.Reports;

/// <summary>
/// One short Dynamic R-CNN training run with validation (tiny model, 128 px synthetic data: 40 iterations, evaluated at
/// 20 and at the end, losses logged every 10), shared by the report tests: the folder it leaves holds the report the
/// trainer wrote.
/// </summary>
public sealed class ReportedRunFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public ReportedRunFixture()
    {
        Directory = _folder.PathOf("dynamic_run");
        var config = TinyTraining.Config("dynamic_rcnn_r18_cpu",
            "model.dynamic_rcnn.update_interval=10", "model.dynamic_rcnn.iou_topk=10", "train.warmup_iters=5",
            "train.max_iters=40", "train.steps=[30]", "train.eval_interval=20", "train.log_interval=10");
        using var scope = Engine.NewDisposeScope();
        Result = new Trainer(TinyTraining.Options(config, Directory, withValidation: true)).Run();
    }

    /// <summary>The run folder.</summary>
    public string Directory { get; }

    /// <summary>What the trainer returned.</summary>
    public TrainingResult Result { get; }

    /// <summary>The report's path.</summary>
    public string Report => Path.Combine(Directory, "index.html");

    public void Dispose() => _folder.Dispose();
}
