using System.Globalization;
using DynDet.Torch;

namespace DynDet.Cli;

/// <summary>
/// libtorch's default of intra-op threads is the number of physical cores it detects, which on virtual
/// machines is often half the CPUs the process may use (1 on a 2-vCPU machine: every op single-threaded).
/// DynDet uses every logical CPU unless <c>DYNDET_THREADS</c> or <c>OMP_NUM_THREADS</c> says otherwise;
/// <c>train.threads</c> and <c>bench --threads</c> still override it for their command.
/// </summary>
public static class ThreadDefaults
{
    /// <summary>Sets <see cref="Engine.NumThreads"/> from the environment or the logical CPU count, when the native library loads.</summary>
    public static void Apply() => Engine.SetNumThreadsWhenLoaded(FromEnvironment() ?? Math.Max(1, Environment.ProcessorCount));

    /// <summary>The threads <c>DYNDET_THREADS</c> or <c>OMP_NUM_THREADS</c> ask for (in that order), or null when neither is set.</summary>
    public static int? FromEnvironment()
    {
        foreach (string name in new[] { "DYNDET_THREADS", "OMP_NUM_THREADS" })
        {
            if (int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0)
            {
                return n;
            }
        }

        return null;
    }
}
