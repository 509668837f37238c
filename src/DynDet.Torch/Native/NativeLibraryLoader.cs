using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DynDet.Torch.Native;

/// <summary>
/// Finds <c>libdyndet_native.so</c> for every <c>LibraryImport</c> of this assembly. One resolver,
/// registered when the assembly loads; when nothing is found the error lists the paths tried and the fix.
/// </summary>
internal static class NativeLibraryLoader
{
    private const string FileName = "libdyndet_native.so";

#pragma warning disable CA2255 // one resolver for the whole assembly, registered before any P/Invoke runs
    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
#pragma warning restore CA2255

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Library)
        {
            return IntPtr.Zero;
        }

        var tried = new List<string>();
        foreach (string candidate in Candidates())
        {
            tried.Add(candidate);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out IntPtr loaded))
            {
                return loaded;
            }
        }

        string detail = string.Empty;
        string? found = tried.FirstOrDefault(File.Exists);
        if (found is not null)
        {
            try
            {
                NativeLibrary.Load(found);
            }
            catch (DllNotFoundException e)
            {
                detail = $" Loading {found} failed: {e.Message}.";
            }
        }

        throw new DllNotFoundException(
            $"DynDet's native library {FileName} could not be loaded (tried: {string.Join(", ", tried)}).{detail} " +
            "Run 'make setup' at the repository root: it installs libtorch-dev and libopenblas0-openmp with " +
            "apt-get and builds native/. Set DYNDET_NATIVE to the library's path to use another build.");
    }

    private static IEnumerable<string> Candidates()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("DYNDET_NATIVE");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            yield return fromEnvironment;
        }

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
