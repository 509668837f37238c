using DynDet.Demo;
using DynDet.TestSupport;

namespace DynDet.Tests.Demo;

public sealed class StudyFilesTests
{
    private const string Study = """
        { "title": "t", "command": "c", "finding": "f", "seeds": [1],
          "overrides": ["model.backbone.weights=runs/pretrain-r18/backbone.pth", "train.max_iters=5"],
          "files": { "runs/pretrain-r18/backbone.pth": "pretrain-r18/backbone.pth" },
          "rows": [ { "label": "A", "config": "faster_rcnn_r18_cpu", "overrides": [], "seeds": { "1": { "AP": 0.1 } } } ] }
        """;

    [Fact]
    public void A_study_file_is_written_into_the_run_folder_and_the_overrides_point_at_it()
    {
        using var folder = new TempFolder();
        var study = StudyRecord.Parse("hand", Study);
        string expected = Path.GetFullPath(Path.Combine(folder.Path, "study-files", "pretrain-r18", "backbone.pth"));
        Assert.Equal(["model.backbone.weights=" + expected, "train.max_iters=5"], study.OverridesIn(folder.Path));
        study.WriteFiles(folder.Path);
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.Repository, "results", "pretrain-r18", "backbone.pth")), File.ReadAllBytes(expected));
        Assert.Equal(["backbone.pth"], Directory.GetFiles(Path.GetDirectoryName(expected)!).Select(Path.GetFileName));
    }

    [Fact]
    public void A_study_naming_a_file_this_build_lacks_is_refused_naming_it()
    {
        var e = Assert.Throws<InputException>(() => StudyRecord.Parse("bad", Study.Replace("\"pretrain-r18/backbone.pth\"", "\"nosuch/x.pth\"")));
        Assert.Equal("study bad: its file runs/pretrain-r18/backbone.pth names a built-in file 'nosuch/x.pth' that this build lacks", e.Message);
    }

    [Fact]
    public void Every_built_in_study_file_is_named_by_an_override_of_its_study()
    {
        foreach (string key in StudyRecord.Keys)
        {
            var study = StudyRecord.Find(key)!;
            foreach (string path in study.Files.Keys)
            {
                Assert.Contains(study.Overrides, o => o.EndsWith("=" + path, StringComparison.Ordinal));
            }
        }
    }
}
