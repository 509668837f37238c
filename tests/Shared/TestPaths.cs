namespace DynDet.TestSupport;

/// <summary>Where tests find the repository, generated fixtures and the shared folder beside the project.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);
    private static readonly Lazy<string> SharedRoot = new(FindShared);

    /// <summary>The repository root (the folder holding DynDet.slnx).</summary>
    public static string Repository => Root.Value;

    /// <summary>Fixtures made by tests/fixtures/make_fixtures.py (run by <c>make test</c>).</summary>
    public static string Generated => Path.Combine(Repository, "tests", "fixtures", "generated");

    /// <summary>
    /// The shared folder (SPEC.md, fixtures/, data/): DYNDET_SHARED if set, else the first ancestor of the
    /// repository holding <c>shared/SPEC.md</c>.
    /// </summary>
    public static string Shared => SharedRoot.Value;

    /// <summary>The raccoon Pascal VOC root in the shared folder.</summary>
    public static string Raccoon => Path.Combine(Shared, "data", "raccoon");

    /// <summary>A file or folder of the shared folder; fails clearly when it is missing.</summary>
    public static string SharedFile(params string[] parts)
    {
        string path = Path.Combine([Shared, .. parts]);
        return File.Exists(path) || Directory.Exists(path) ? path : throw new FileNotFoundException($"shared file {path} is missing");
    }

    /// <summary>A generated fixture file; fails with the command to run when it is missing.</summary>
    public static string Fixture(params string[] parts)
    {
        string path = Path.Combine([Generated, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException(
                $"fixture {path} is missing: run 'make fixtures' (or /usr/bin/python3 tests/fixtures/make_fixtures.py tests/fixtures/generated)");
        }

        return path;
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DynDet.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root (DynDet.slnx) not found above " + AppContext.BaseDirectory);
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
            string candidate = Path.Combine(dir.FullName, "shared");
            if (File.Exists(Path.Combine(candidate, "SPEC.md")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "the shared folder (shared/SPEC.md beside the repository) was not found; set DYNDET_SHARED to its path");
    }
}
