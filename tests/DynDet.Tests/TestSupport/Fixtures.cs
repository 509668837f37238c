using DynDet.TestSupport;
using System.Text.Json;

namespace DynDet.Tests;

/// <summary>Reads the image fixtures written by tests/fixtures/gen_images.py.</summary>
internal static class Fixtures
{
    public static string ImagesFolder => Path.Combine(TestPaths.Generated, "images");

    /// <summary>The fixture entry <paramref name="name"/>: source file, size, expected RGB bytes (and torchvision's, if any).</summary>
    public static (string File, int Width, int Height, byte[] Rgb, byte[]? TorchVision) Image(string name)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImagesFolder, "index.json")));
        JsonElement entry = index.RootElement.GetProperty(name);
        byte[] rgb = File.ReadAllBytes(Path.Combine(ImagesFolder, entry.GetProperty("rgb").GetString()!));
        byte[]? tv = entry.TryGetProperty("tv", out JsonElement t) ? File.ReadAllBytes(Path.Combine(ImagesFolder, t.GetString()!)) : null;
        return (entry.GetProperty("file").GetString()!, entry.GetProperty("width").GetInt32(), entry.GetProperty("height").GetInt32(), rgb, tv);
    }

    /// <summary>An orientation fixture's pixels as stored in the file (PIL's convert("RGB") without exif_transpose).</summary>
    public static byte[] ImageAsStored(string name)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImagesFolder, "index.json")));
        return File.ReadAllBytes(Path.Combine(ImagesFolder, index.RootElement.GetProperty(name).GetProperty("stored").GetString()!));
    }
}
