using System.Diagnostics;

namespace DynDet.TestSupport;

/// <summary>
/// Runs the real <c>./dyndet</c> script at the repository root as a child process (it needs the Release build), for
/// end-to-end checks of exit codes and of what reaches stderr.
/// </summary>
public static class DyndetProcess
{
    /// <summary>The exit status, stdout and stderr; <see cref="TimedOut"/> when it was killed at the deadline.</summary>
    public sealed record Result(int ExitCode, string Output, string Error, bool TimedOut)
    {
        /// <summary>The non-empty lines of stderr.</summary>
        public IReadOnlyList<string> ErrorLines =>
            Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
    }

    /// <summary>Runs <c>./dyndet <paramref name="args"/></c> in <paramref name="workingDirectory"/>; kills it after <paramref name="deadline"/>.</summary>
    public static Result Run(TimeSpan deadline, string workingDirectory, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var start = new ProcessStartInfo(Path.Combine(TestPaths.Repository, "dyndet"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ./dyndet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool exited = process.WaitForExit(deadline);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        return new Result(exited ? process.ExitCode : -1, stdout.Result, stderr.Result, !exited);
    }
}
