namespace DynDet.TestSupport;

/// <summary>
/// Where the evaluation tests find the repository, generated fixtures (tests/fixtures/generated) and the shared
/// folder (shared/SPEC.md in an ancestor of the repository, or DYNDET_SHARED).
/// </summary>
public static class SharedPaths
{
    private static readonly Lazy<string> RepositoryRoot = new(FindRepositoryRoot);
    private static readonly Lazy<string> SharedRoot = new(FindShared);

    /// <summary>The repository root (the folder holding DynDet.slnx).</summary>
    public static string Repository => RepositoryRoot.Value;

    /// <summary>The shared folder (SPEC.md, fixtures/, data/).</summary>
    public static string Shared => SharedRoot.Value;

    /// <summary>A file under the shared folder; fails with a clear message when it is missing.</summary>
    public static string SharedFile(params string[] parts)
    {
        string path = Path.Combine([Shared, .. parts]);
        return File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"shared file {path} is missing");
    }

    /// <summary>A fixture made by tests/fixtures/make_fixtures.py; fails with the command to run when missing.</summary>
    public static string Generated(params string[] parts)
    {
        string path = Path.Combine([Repository, "tests", "fixtures", "generated", .. parts]);
        return File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"fixture {path} is missing: run 'make fixtures' (or /usr/bin/python3 tests/fixtures/make_fixtures.py tests/fixtures/generated)");
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DynDet.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName
            ?? throw new DirectoryNotFoundException("repository root (DynDet.slnx) not found above " + AppContext.BaseDirectory);
    }

    private static string FindShared()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("DYNDET_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(Repository); dir is not null; dir = dir.Parent)
        {
            if (dir.Name == "shared" && File.Exists(Path.Combine(dir.FullName, "SPEC.md")))
            {
                return dir.FullName;
            }

            string candidate = Path.Combine(dir.FullName, "shared");
            if (File.Exists(Path.Combine(candidate, "SPEC.md")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "the shared folder (shared/SPEC.md in an ancestor of the repository) was not found; set DYNDET_SHARED to its path");
    }
}
