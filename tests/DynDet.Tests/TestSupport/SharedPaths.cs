namespace DynDet.Tests;

/// <summary>
/// Finds the shared documents and data (<c>shared/</c> with SPEC.md: env DYNDET_SHARED, else the first
/// ancestor of the repository root that is, or has a child, <c>shared/</c> holding SPEC.md), the repository
/// root (the folder with DynDet.slnx) and the generated fixtures (<c>tests/fixtures/generated</c>).
/// </summary>
internal static class SharedPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRepositoryRoot);
    private static readonly Lazy<string> SharedLazy = new(FindShared);

    /// <summary>The repository root.</summary>
    public static string RepositoryRoot => RootLazy.Value;

    /// <summary>The shared folder.</summary>
    public static string Shared => SharedLazy.Value;

    /// <summary>The raccoon VOC root.</summary>
    public static string Raccoon => Path.Combine(Shared, "data", "raccoon");

    /// <summary>The generated fixtures folder; fails clearly when <c>make fixtures</c> has not run.</summary>
    public static string Fixtures
    {
        get
        {
            string path = Path.Combine(RepositoryRoot, "tests", "fixtures", "generated");
            if (!Directory.Exists(path))
            {
                throw new InvalidOperationException(
                    $"generated fixtures not found at {path}: run 'make fixtures' (or /usr/bin/python3 tests/fixtures/make_fixtures.py tests/fixtures/generated)");
            }

            return path;
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DynDet.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"repository root (DynDet.slnx) not found above {AppContext.BaseDirectory}");
    }

    private static string FindShared()
    {
        string? env = Environment.GetEnvironmentVariable("DYNDET_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            return File.Exists(Path.Combine(env, "SPEC.md"))
                ? env
                : throw new InvalidOperationException($"DYNDET_SHARED={env} has no SPEC.md");
        }

        for (var dir = new DirectoryInfo(RepositoryRoot); dir is not null; dir = dir.Parent)
        {
            if (dir.Name == "shared" && File.Exists(Path.Combine(dir.FullName, "SPEC.md")))
            {
                return dir.FullName;
            }

            string child = Path.Combine(dir.FullName, "shared");
            if (File.Exists(Path.Combine(child, "SPEC.md")))
            {
                return child;
            }
        }

        throw new InvalidOperationException(
            $"shared/ (with SPEC.md) not found above {RepositoryRoot}; set DYNDET_SHARED to its path");
    }
}
