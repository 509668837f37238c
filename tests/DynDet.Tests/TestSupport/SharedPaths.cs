using DynDet.TestSupport;

namespace DynDet.Tests;

/// <summary>
/// Names the data tests of this project use for the paths of <see cref="TestPaths"/> (tests/Shared), which
/// holds the logic: where the repository, the generated fixtures and the shared folder are.
/// </summary>
internal static class SharedPaths
{
    /// <summary>The repository root.</summary>
    public static string Repository => TestPaths.Repository;

    /// <summary>The repository root.</summary>
    public static string RepositoryRoot => TestPaths.Repository;

    /// <summary>The shared folder.</summary>
    public static string Shared => TestPaths.Shared;

    /// <summary>The raccoon VOC root in the shared folder.</summary>
    public static string Raccoon => Path.Combine(TestPaths.Shared, "data", "raccoon");

    /// <summary>The generated fixtures folder.</summary>
    public static string Fixtures => TestPaths.Generated;

    /// <summary>A file of the shared folder; fails clearly when missing.</summary>
    public static string SharedFile(params string[] parts)
    {
        string path = Path.Combine([TestPaths.Shared, .. parts]);
        return File.Exists(path) || Directory.Exists(path) ? path : throw new FileNotFoundException($"shared file {path} is missing");
    }

    /// <summary>A generated fixture (see <see cref="TestPaths.Fixture"/>).</summary>
    public static string Generated(params string[] parts) => TestPaths.Fixture(parts);
}
