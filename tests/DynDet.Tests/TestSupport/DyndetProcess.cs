using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace DynDet.TestSupport;

/// <summary>
/// Runs the real <c>./dyndet</c> script at the repository root as a child process (it needs the Release build), for
/// end-to-end checks of exit codes, of what reaches stderr and of what signals do. The one way tests start the CLI.
/// </summary>
public static partial class DyndetProcess
{
    /// <summary>The exit status, stdout and stderr; <see cref="TimedOut"/> when it was killed at the deadline.</summary>
    public sealed record Result(int ExitCode, string Output, string Error, bool TimedOut)
    {
        /// <summary>The non-empty lines of stderr.</summary>
        public IReadOnlyList<string> ErrorLines =>
            Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
    }

    /// <summary>Runs <c>./dyndet <paramref name="args"/></c> in <paramref name="workingDirectory"/>; kills it after <paramref name="deadline"/>.</summary>
    public static Result Run(TimeSpan deadline, string workingDirectory, params string[] args) =>
        Run(deadline, workingDirectory, new Dictionary<string, string>(), [], args);

    /// <summary>
    /// Runs <c>./dyndet <paramref name="args"/></c> in <paramref name="workingDirectory"/> with
    /// <paramref name="environment"/> added to this process's, sending each of <paramref name="signals"/> in turn when
    /// its cue is seen; kills it (and its children) after <paramref name="deadline"/>.
    /// </summary>
    public static Result Run(TimeSpan deadline, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<SignalCue> signals, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(signals);
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

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ./dyndet");
        var output = new StringBuilder();
        var error = new StringBuilder();
        int nextCue = 0;
        // Called under the stderr lock. ./dyndet execs dotnet, so the child's pid is the CLI's own.
        void Fire()
        {
            _ = Kill(process.Id, signals[nextCue].Signal);
            nextCue++;
        }

        // Dedicated threads, not the thread pool (BeginErrorReadLine, Task.Run): with the test run's parallel tests
        // blocking pool threads, a cue line once reached the reader a second late, after the evaluation it was meant
        // to interrupt had ended. A thread blocked in ReadLine wakes as soon as the line is written.
        var outputReader = StartThread(() => Collect(process.StandardOutput, output, null));
        var errorReader = StartThread(() => Collect(process.StandardError, error, line =>
        {
            if (nextCue < signals.Count && signals[nextCue].ErrorLineContains is { } text && line.Contains(text, StringComparison.Ordinal))
            {
                Fire();
            }
        }));
        // File cues are polled every millisecond or so until the process ends (no poller when there are none).
        using var watching = new ManualResetEventSlim();
        var watcher = signals.All(s => s.Folder is null) ? null : StartThread(() =>
        {
            while (!watching.Wait(1))
            {
                lock (error)
                {
                    if (nextCue < signals.Count && signals[nextCue].FileSeen())
                    {
                        Fire();
                    }
                }
            }
        });
        bool exited = process.WaitForExit(deadline);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        watching.Set();
        watcher?.Join();
        // A grandchild that kept the pipes open would block the readers: they are background threads, left behind.
        outputReader.Join(TimeSpan.FromSeconds(10));
        errorReader.Join(TimeSpan.FromSeconds(10));
        lock (output)
        {
            lock (error)
            {
                return new Result(exited ? process.ExitCode : -1, output.ToString(), error.ToString(), !exited);
            }
        }
    }

    private static Thread StartThread(Action body)
    {
        var thread = new Thread(body.Invoke) { IsBackground = true };
        thread.Start();
        return thread;
    }

    // Appends every line of the stream to the buffer; under the buffer's lock, so that a cue fires on a consistent view.
    private static void Collect(StreamReader reader, StringBuilder buffer, Action<string>? onLine)
    {
        while (reader.ReadLine() is { } line)
        {
            lock (buffer)
            {
                buffer.Append(line).Append('\n');
                onLine?.Invoke(line);
            }
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
