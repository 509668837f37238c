using DynDet.TestSupport;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DynDet.Torch.Tests.Serialization;

/// <summary>
/// The checkpoint fixtures (tests/fixtures/gen_checkpoint.py) and the Python half of the digest
/// (tests/fixtures/torch_digest.py), run with Debian's /usr/bin/python3 and torch 1.13.
/// </summary>
internal static class CheckpointFixtures
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<JsonObject> ReferenceJson = new(() =>
        (JsonObject)JsonNode.Parse(System.IO.File.ReadAllText(File("reference.json")))!);

    /// <summary>A file under tests/fixtures/generated/checkpoint; fails with the command to run when missing.</summary>
    public static string File(params string[] parts)
    {
        return TestPaths.Fixture(["checkpoint", .. parts]);
    }

    /// <summary>The digest (with layout) gen_checkpoint.py recorded for a fixture file.</summary>
    public static JsonNode Reference(string name) => ReferenceJson.Value[name]!.DeepClone();

    /// <summary>
    /// Loads each file with Python's torch.load and returns its entry of torch_digest.py's output
    /// (<c>{"digest", "aligned", "loads_into_resnet18"?}</c>) by file. One Python process for all files:
    /// importing torch is most of the time.
    /// </summary>
    public static Dictionary<string, JsonObject> PythonDigests(IReadOnlyList<string> files, bool layout = false)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(TestPaths.Repository, "tests", "fixtures", "torch_digest.py"));
        if (layout)
        {
            start.ArgumentList.Add("--layout");
        }

        foreach (string f in files)
        {
            start.ArgumentList.Add(f);
        }

        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + Python);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("torch_digest.py did not finish in 2 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"torch_digest.py failed (exit {process.ExitCode}): {stderr.Result}");
        }

        var parsed = (JsonObject)JsonNode.Parse(stdout.Result)!;
        return files.ToDictionary(f => f, f => (JsonObject)parsed[f]!);
    }
}
