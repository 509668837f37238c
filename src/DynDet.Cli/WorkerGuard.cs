using System.Globalization;
using System.Runtime.InteropServices;

namespace DynDet.Cli;

/// <summary>
/// A worker started by <see cref="LocalLauncher"/> asks the kernel for SIGTERM when the launcher dies
/// (<c>prctl(PR_SET_PDEATHSIG)</c>), so that a launcher killed outright (SIGKILL) leaves no orphan training on; and it
/// exits at once if the launcher is already gone.
/// </summary>
public static partial class WorkerGuard
{
    private const int PrSetPdeathsig = 1;
    private const int SigTerm = 15;

    /// <summary>Arms the guard when this process was started by the launcher; false when the launcher is already gone.</summary>
    public static bool Arm()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(LocalLauncher.LauncherPidVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int launcher))
        {
            return true;
        }

        _ = Prctl(PrSetPdeathsig, SigTerm, 0, 0, 0);
        // The launcher may have died before the guard was armed: then this process was re-parented.
        return GetParentPid() == launcher;
    }

    [LibraryImport("libc.so.6", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc.so.6", EntryPoint = "getppid")]
    private static partial int GetParentPid();
}
