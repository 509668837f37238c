using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DynDet.Torch.Native;

/// <summary>
/// Finds <c>libdyndet_native.so</c> for every <c>LibraryImport</c> of this assembly. One resolver,
/// registered when the assembly loads; when nothing is found the error lists the paths tried and the fix.
/// </summary>
/// <remarks>
/// <c>DYNDET_NATIVE</c>, when set (non-empty), is the only candidate: a user who names a library means that
/// build, and silently loading another one would hide the mistake (and make a missing library impossible to
/// simulate). Unset, the library beside the assembly and then <c>native/build</c> of the enclosing
/// repository are tried. Failure is a <see cref="DllNotFoundException"/> with a one-line message that the
/// command line prints as <c>error: ...</c> with exit code 2.
/// </remarks>
internal static class NativeLibraryLoader
{
    private const string FileName = "libdyndet_native.so";
    private const string EnvironmentVariable = "DYNDET_NATIVE";

#pragma warning disable CA2255 // one resolver for the whole assembly, registered before any P/Invoke runs
    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
#pragma warning restore CA2255

    private static readonly Lock Gate = new();
    private static bool s_loaded;
    private static int s_threadsOnLoad;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetNumThreads(int n);

    /// <summary>
    /// Sets libtorch's intra-op threads to <paramref name="threads"/> now if the library is loaded, else right after
    /// it loads, so that a process which never makes a native call (a command refused for a bad value) does not pay
    /// the second it takes to load libtorch.
    /// </summary>
    internal static void SetThreadsWhenLoaded(int threads)
    {
        lock (Gate)
        {
            if (!s_loaded)
            {
                s_threadsOnLoad = threads;
                return;
            }
        }

        Check.Status(NativeMethods.dd_set_num_threads(threads));
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Library)
        {
            return IntPtr.Zero;
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        IntPtr loaded = string.IsNullOrEmpty(fromEnvironment) ? LoadFromBuild() : LoadNamed(fromEnvironment);
        lock (Gate)
        {
            // Called through the export, not a LibraryImport: this resolver is what those wait on.
            if (!s_loaded && s_threadsOnLoad > 0)
            {
                var set = Marshal.GetDelegateForFunctionPointer<SetNumThreads>(NativeLibrary.GetExport(loaded, "dd_set_num_threads"));
                Check.Status(set(s_threadsOnLoad));
            }

            s_loaded = true;
        }

        return loaded;
    }

    private static IntPtr LoadNamed(string path)
    {
        string reason;
        if (!File.Exists(path))
        {
            reason = "no such file";
        }
        else if (NativeLibrary.TryLoad(path, out IntPtr loaded))
        {
            return loaded;
        }
        else
        {
            reason = LoadError(path);
        }

        throw new DllNotFoundException(
            $"DynDet's native library could not be loaded from {EnvironmentVariable}={path} ({reason}); point " +
            $"{EnvironmentVariable} at a built {FileName}, or unset it and run 'make setup' at the repository root");
    }

    private static IntPtr LoadFromBuild()
    {
        var tried = new List<string>();
        foreach (string candidate in Candidates())
        {
            tried.Add(candidate);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out IntPtr loaded))
            {
                return loaded;
            }
        }

        string? found = tried.FirstOrDefault(File.Exists);
        string detail = found is null ? string.Empty : $"; loading {found} failed: {LoadError(found)}";
        throw new DllNotFoundException(
            $"DynDet's native library {FileName} could not be loaded (tried: {string.Join(", ", tried)}){detail}; " +
            "run 'make setup' at the repository root (it installs libtorch-dev and libopenblas0-openmp with " +
            $"apt-get and builds native/), or set {EnvironmentVariable} to the library's path to use another build");
    }

    // The loader's own reason (a missing dependency, a wrong architecture), on one line.
    private static string LoadError(string path)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return "the loader gave no reason";
        }
        catch (DllNotFoundException e)
        {
            return e.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        }
        catch (BadImageFormatException e)
        {
            return e.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        }
    }

    private static IEnumerable<string> Candidates()
    {
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        // From a build tree: walk up to the repository root and use native/build.
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            string candidate = Path.Combine(directory.FullName, "native", "build", FileName);
            if (File.Exists(candidate))
            {
                yield return candidate;
                yield break;
            }

            directory = directory.Parent;
        }
    }
}
