using DynDet.TestSupport;

namespace DynDet.Tests.Cli;

/// <summary>
/// The built CLI run as a child process with <c>DYNDET_NATIVE</c> naming a file that does not exist: the
/// native library cannot load in that process (in-process it is already loaded by other tests). Help needs
/// no native code; a command that does prints one <c>error:</c> line and exits 2, without a stack trace.
/// </summary>
public sealed class MissingNativeLibraryTests
{
    private const string Missing = "/nonexistent/libdyndet_native.so";

    [Fact]
    public void Help_lists_the_commands_and_exits_0_without_the_native_library()
    {
        using var work = new TempFolder();
        var (exit, output, error) = RunCli(work.Path, "--help");
        Assert.True(exit == 0, error);
        Assert.Equal(string.Empty, error);
        foreach (string command in new[] { "train", "eval", "predict", "bench", "data", "demo" })
        {
            Assert.Contains($"\n  {command} ", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_of_a_command_and_version_exit_0_without_the_native_library()
    {
        using var work = new TempFolder();
        var (exit, output, error) = RunCli(work.Path, "train", "--help");
        Assert.True(exit == 0, error);
        Assert.Contains("dyndet train", output, StringComparison.Ordinal);
        (exit, output, error) = RunCli(work.Path, "--version");
        Assert.True(exit == 0, error);
        Assert.NotEqual(string.Empty, output.Trim());
    }

    [Fact]
    public void Train_without_the_native_library_prints_one_error_line_and_exits_2()
    {
        using var work = new TempFolder();
        var (exit, _, error) = RunCli(work.Path, "train", "--config", "faster_rcnn_r18_cpu");
        Assert.Equal(2, exit);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{error}");
        string line = lines[0];
        Assert.StartsWith("error: DynDet's native library could not be loaded from DYNDET_NATIVE=" + Missing, line,
            StringComparison.Ordinal);
        Assert.Contains("(no such file)", line, StringComparison.Ordinal);
        Assert.Contains("run 'make setup'", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at DynDet.", error, StringComparison.Ordinal);
    }

    private static (int Exit, string Output, string Error) RunCli(string workingDirectory, params string[] args)
    {
        var result = DyndetProcess.Run(TimeSpan.FromMinutes(2), workingDirectory,
            new Dictionary<string, string> { ["DYNDET_NATIVE"] = Missing }, [], args);
        Assert.False(result.TimedOut, $"dyndet {string.Join(' ', args)} did not exit within 2 minutes");
        return (result.ExitCode, result.Output, result.Error);
    }
}
