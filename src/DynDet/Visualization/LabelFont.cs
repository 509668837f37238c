using System.Reflection;
using SkiaSharp;

namespace DynDet.Visualization;

/// <summary>
/// The typeface DynDet labels detections with: DejaVu Sans Bold, shipped inside the assembly (Bitstream Vera
/// licence, <c>Visualization/Fonts/LICENSE-DejaVu.txt</c>) so that drawing never depends on a file a machine may
/// lack, rendered by SkiaSharp with anti-aliasing.
/// </summary>
public sealed class LabelFont : IDisposable
{
    private const string ResourceName = "DynDet.Visualization.Fonts.DejaVuSans-Bold.ttf";
    private static readonly Lazy<LabelFont> DefaultFont = new(Load);

    private LabelFont(SKTypeface typeface) => Typeface = typeface;

    /// <summary>The shipped font, loaded once per process.</summary>
    public static LabelFont Default => DefaultFont.Value;

    /// <summary>The Skia typeface.</summary>
    internal SKTypeface Typeface { get; }

    /// <summary>The family name the typeface reports ("DejaVu Sans").</summary>
    public string FamilyName => Typeface.FamilyName;

    /// <summary>A Skia font of this typeface at <paramref name="size"/> pixels (em size), anti-aliased and hinted lightly.</summary>
    internal SKFont At(float size) => new(Typeface, size) { Edging = SKFontEdging.Antialias, Hinting = SKFontHinting.Slight, Subpixel = true };

    /// <summary>Releases the typeface (the default font lives as long as the process).</summary>
    public void Dispose() => Typeface.Dispose();

    private static LabelFont Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the font resource {ResourceName} is missing from the DynDet assembly");
        using var data = SKData.Create(stream);
        var typeface = SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"the font resource {ResourceName} could not be read by SkiaSharp");
        return new LabelFont(typeface);
    }
}
