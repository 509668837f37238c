using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace DynDet.Cli;

/// <summary>
/// <c>dyndet train --nproc N …</c>: starts N workers of this same program on this machine, as
/// <c>torchrun --nproc_per_node N</c> does, each with torchrun's <c>RANK</c>, <c>WORLD_SIZE</c>, <c>LOCAL_RANK</c>,
/// <c>LOCAL_WORLD_SIZE</c>, <c>MASTER_ADDR=127.0.0.1</c> and a free <c>MASTER_PORT</c>, and <c>DYNDET_THREADS</c> =
/// cores / N unless <c>DYNDET_THREADS</c> or <c>OMP_NUM_THREADS</c> is set. The workers run in their own session (so
/// that a terminal's Ctrl-C reaches them once, through the launcher, which forwards SIGINT and SIGTERM to every one)
/// and die with the launcher (<c>PR_SET_PDEATHSIG</c>, <see cref="WorkerGuard"/>). When a worker exits with a
/// non-zero status the others get SIGTERM, and SIGKILL after <see cref="GraceSeconds"/>; the launcher exits with the
/// first failing worker's status (0 when all succeeded). Rank 0 writes to this terminal directly (its progress line
/// stays interactive); the other ranks' standard error passes through the launcher line by line, and their
/// <c>error:</c> lines are printed after they exit unless they and rank 0 both stopped on bad input (status 2: every
/// worker read the same command line on this machine, so rank 0 has printed the same line).
/// </summary>
public static partial class LocalLauncher
{
    /// <summary>Seconds the other workers get to stop after SIGTERM before SIGKILL (torchrun's 30).</summary>
    public const int GraceSeconds = 30;

    /// <summary>Environment variable holding the launcher's pid, for <see cref="WorkerGuard"/>.</summary>
    public const string LauncherPidVariable = "DYNDET_LAUNCHER_PID";

    private const int SigKill = 9;

    /// <summary>Runs <paramref name="processes"/> workers with <paramref name="workerArgs"/> (the command line without <c>--nproc</c>); returns the exit status.</summary>
    public static int Run(int processes, IReadOnlyList<string> workerArgs, TextWriter log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processes, 1);
        ArgumentNullException.ThrowIfNull(workerArgs);
        ArgumentNullException.ThrowIfNull(log);
        int port = FreePort();
        string? threads = ThreadDefaults.FromEnvironment() is null
            ? Math.Max(1, Environment.ProcessorCount / processes).ToString(CultureInfo.InvariantCulture)
            : null;
        var (program, prefix) = SelfCommand();
        var workers = new List<Process>(processes);
        var exitCodes = new int?[processes];
        var heldErrors = Enumerable.Range(0, processes).Select(_ => new List<string>()).ToArray();
        int firstFailure = -1;
        DateTime? killAt = null;
        void SignalAll(int signal)
        {
            lock (workers)
            {
                foreach (var w in workers)
                {
                    if (!HasExited(w))
                    {
                        _ = Kill(w.Id, signal);
                    }
                }
            }
        }

        // The first signal asks every worker to finish its step and save (rank 0) and exit; a second quits them at once.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; SignalAll(2); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; SignalAll(15); });
        try
        {
            for (int rank = 0; rank < processes; rank++)
            {
                // setsid: the worker leads its own session (no second SIGINT from the terminal); it execs, so the pid is the worker's.
                var start = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : program) { UseShellExecute = false };
                if (start.FileName != program)
                {
                    start.ArgumentList.Add(program);
                }

                foreach (string a in prefix.Concat(workerArgs))
                {
                    start.ArgumentList.Add(a);
                }

                start.Environment["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
                start.Environment["LOCAL_RANK"] = rank.ToString(CultureInfo.InvariantCulture);
                start.Environment["WORLD_SIZE"] = processes.ToString(CultureInfo.InvariantCulture);
                start.Environment["LOCAL_WORLD_SIZE"] = processes.ToString(CultureInfo.InvariantCulture);
                start.Environment["MASTER_ADDR"] = "127.0.0.1";
                start.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
                start.Environment[LauncherPidVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
                start.RedirectStandardError = rank > 0;
                if (threads is not null)
                {
                    start.Environment["DYNDET_THREADS"] = threads;
                }

                var worker = Process.Start(start) ?? throw new InvalidOperationException($"could not start worker {rank}");
                lock (workers)
                {
                    workers.Add(worker);
                }

                if (rank > 0)
                {
                    var held = heldErrors[rank];
                    worker.ErrorDataReceived += (_, e) =>
                    {
                        if (e.Data is not { } line)
                        {
                            return;
                        }

                        lock (held)
                        {
                            if (line.StartsWith("error:", StringComparison.Ordinal))
                            {
                                held.Add(line);
                                return;
                            }
                        }

                        lock (log)
                        {
                            log.WriteLine(line);
                        }
                    };
                    worker.BeginErrorReadLine();
                }
            }

            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"launch: {processes} workers at 127.0.0.1:{port} (pids {string.Join(' ', workers.Select(w => w.Id))}), {threads ?? "DYNDET_THREADS/OMP_NUM_THREADS"} threads each"));
            while (exitCodes.Any(c => c is null))
            {
                for (int rank = 0; rank < processes; rank++)
                {
                    if (exitCodes[rank] is null && HasExited(workers[rank]))
                    {
                        int code = workers[rank].ExitCode;
                        exitCodes[rank] = code;
                        if (code != 0 && firstFailure < 0)
                        {
                            firstFailure = rank;
                            if (exitCodes.Any(c => c is null))
                            {
                                log.WriteLine($"launch: worker rank {rank} exited with status {code}: stopping the others (SIGKILL after {GraceSeconds} s)");
                                SignalAll(15);
                                killAt = DateTime.UtcNow.AddSeconds(GraceSeconds);
                            }
                        }
                    }
                }

                if (killAt is DateTime deadline && DateTime.UtcNow > deadline)
                {
                    SignalAll(SigKill);
                    killAt = null;
                }

                Thread.Sleep(50);
            }
        }
        finally
        {
            // Whatever happened here (a worker that failed to start included), no worker outlives the launcher.
            SignalAll(SigKill);
            foreach (var w in workers)
            {
                // Also waits for the end of a redirected standard error.
                w.WaitForExit();
            }

            for (int rank = 1; rank < workers.Count; rank++)
            {
                bool sameBadInput = exitCodes[rank] == CliRunner.BadInput && exitCodes[0] == CliRunner.BadInput;
                lock (heldErrors[rank])
                {
                    foreach (string line in sameBadInput ? [] : heldErrors[rank])
                    {
                        log.WriteLine(line);
                    }
                }
            }

            foreach (var w in workers)
            {
                w.Dispose();
            }
        }

        return firstFailure >= 0 ? exitCodes[firstFailure]!.Value : 0;
    }

    /// <summary>A TCP port free on 127.0.0.1 now (the rendezvous port).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>How to start this program again: the host and the entry assembly under <c>dotnet</c>, or the apphost itself.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path");
        string? entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        bool dotnetHost = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return dotnetHost && !string.IsNullOrEmpty(entry) ? (host, [entry]) : (host, []);
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
