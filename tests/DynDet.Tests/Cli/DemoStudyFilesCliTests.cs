using DynDet.Demo;
using DynDet.TestSupport;
using DynDet.Tests.Training;

namespace DynDet.Tests.Cli;

public sealed class DemoStudyFilesCliTests
{
    [Fact]
    public void The_main_demo_run_outside_the_repository_initialises_from_its_study_backbone()
    {
        // The main job's study starts from a pretrained backbone that is built in; `./dyndet demo` from any folder
        // must find it (a path relative to the repository would not resolve there).
        var study = StudyRecord.Find(DemoOptions.DefaultStudyKey)!;
        Assert.NotEmpty(study.Files);
        using var work = new TempFolder();
        string output = Path.Combine(work.Path, "demo");
        var result = DyndetProcess.Run(TimeSpan.FromMinutes(4), work.Path,
            ["demo", "--out", "demo", $"data.train={TinyTraining.TrainData}", $"data.val={TinyTraining.ValData}", .. TinyTraining.Overrides,
                "train.max_iters=2", "train.steps=[1]", "train.warmup_iters=1", "data.workers=0"]);
        Assert.False(result.TimedOut);
        Assert.True(result.ExitCode == 0, result.Error);
        string backbone = Path.Combine(output, "study-files", "pretrain-r18", "backbone.pth");
        // Once per run; the classifier's fc layer in the file is not part of a detector's backbone.
        Assert.Equal(2, result.ErrorLines.Count(l => l == $"backbone initialised from {backbone} (ignored 2 keys: fc.weight, fc.bias)"));
    }
}
