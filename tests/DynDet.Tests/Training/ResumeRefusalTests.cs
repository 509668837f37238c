using DynDet.TestSupport;
using DynDet.Training;

namespace DynDet.Tests.Training;

/// <summary><c>dyndet train --resume</c> refuses a checkpoint whose classes, data or config differ (exit 2, one line), unless <c>--force</c>.</summary>
public sealed class ResumeRefusalTests : IDisposable
{
    private const string Data = "synthetic:images=40,seed=1,width=128,height=128,classes=2,max_objects=2,min_size=32";
    private readonly string _output = TinyTraining.TemporaryFolder();

    public ResumeRefusalTests()
    {
        var (exit, _, error) = Train(Data, "--max-iters", "2");
        Assert.True(exit == 0, error);
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void A_resume_with_a_changed_class_list_exits_2_naming_both_lists()
    {
        var (exit, _, error) = Train(Data.Replace("classes=2", "classes=3", StringComparison.Ordinal), "--max-iters", "4", "--resume");
        Assert.Equal(2, exit);
        Assert.Equal("error: --resume: class list changed: checkpoint has [circle, rectangle], data has [circle, rectangle, triangle] (--force resumes anyway)", error.Trim());
        Assert.Equal(2, CheckpointWeights.Iteration(Path.Combine(_output, TrainingCheckpoint.LatestFile)));
    }

    [Fact]
    public void A_resume_with_a_changed_config_key_exits_2_saying_the_key_and_both_values()
    {
        var (exit, _, error) = Train(Data, "--max-iters", "4", "--resume", "train.lr=0.02");
        Assert.Equal(2, exit);
        Assert.Equal("error: --resume: config changed: train.lr 0.01 -> 0.02 (--force resumes anyway)", error.Trim());
    }

    [Fact]
    public void A_resume_on_other_images_exits_2_saying_the_dataset_changed()
    {
        string other = Data.Replace("images=40", "images=41", StringComparison.Ordinal);
        var (exit, _, error) = Train(other, "--max-iters", "4", "--resume");
        Assert.Equal(2, exit);
        Assert.Matches(@"^error: --resume: dataset changed: checkpoint was trained on 40 images \(synthetic[^)]*\), data has 41 \(synthetic[^)]*\) \(--force resumes anyway\)$", error.Trim());
        Assert.DoesNotContain('\n', error.Trim());
    }

    [Fact]
    public void Keys_that_cannot_change_the_weights_may_change_and_force_resumes_anyway_with_a_warning()
    {
        var (exit, _, error) = Train(Data, "--max-iters", "3", "--resume", "train.log_interval=1", "train.checkpoint_minutes=5", "data.workers=0");
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);

        (exit, _, error) = Train(Data, "--max-iters", "4", "--resume", "--force", "train.momentum=0.8");
        Assert.True(exit == 0, error);
        Assert.Contains("warning: --resume --force: config changed: train.momentum 0.9 -> 0.8", error, StringComparison.Ordinal);
        Assert.Equal(4, CheckpointWeights.Iteration(Path.Combine(_output, TrainingCheckpoint.LatestFile)));
    }

    private CliCapture.Result Train(string data, params string[] more) => CliCapture.Run(
        ["train", "--config", "faster_rcnn_r18_cpu", "--train-data", data, "--out", _output, .. TinyTraining.Overrides, "data.val=null", .. more]);
}
