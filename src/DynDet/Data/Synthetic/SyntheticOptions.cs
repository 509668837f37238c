using System.Globalization;

namespace DynDet.Data.Synthetic;

/// <summary>
/// What the synthetic generator makes. Written in a dataset SPEC as
/// <c>synthetic:images=500,seed=3,size=320</c> (keys below in snake case, see <see cref="Parse"/>).
/// </summary>
public sealed record SyntheticOptions
{
    /// <summary>Number of images (key <c>images</c>); default 1000, at least 1.</summary>
    public int Images { get; init; } = 1000;

    /// <summary>Seed (key <c>seed</c>); default 0. The same seed gives the same pixels and boxes, bit for bit.</summary>
    public ulong Seed { get; init; }

    /// <summary>Image width (key <c>width</c>, or <c>size</c> for both sides); default 320, 32–4096.</summary>
    public int Width { get; init; } = 320;

    /// <summary>Image height (key <c>height</c>, or <c>size</c> for both sides); default 320, 32–4096.</summary>
    public int Height { get; init; } = 320;

    /// <summary>Number of shape classes used, the first ones of <see cref="ShapeKind"/> (key <c>classes</c>); default 6, 1–6.</summary>
    public int Classes { get; init; } = 6;

    /// <summary>Fewest objects per image (key <c>min_objects</c>); default 1, ≥ 0 (0 allows empty images).</summary>
    public int MinObjects { get; init; } = 1;

    /// <summary>Most objects per image (key <c>max_objects</c>); default 8.</summary>
    public int MaxObjects { get; init; } = 8;

    /// <summary>
    /// Smallest object, as the square root of its box area in pixels (key <c>min_size</c>); default 16.
    /// Sizes are log-uniform between this and <see cref="MaxSize"/>, so COCO's small (&lt; 32²), medium and
    /// large (&gt; 96²) objects all occur at the default 320 px.
    /// </summary>
    public double MinSize { get; init; } = 16;

    /// <summary>Largest object (key <c>max_size</c>); default 0 = 0.7 × the shorter image side.</summary>
    public double MaxSize { get; init; }

    /// <summary>Standard deviation of the per-pixel sensor noise in grey levels (key <c>noise</c>); default 6, 0–64.</summary>
    public double Noise { get; init; } = 6;

    /// <summary>Largest fraction of an object's area that later objects may cover (key <c>occlusion</c>); default 0.4, 0–0.9.</summary>
    public double MaxOcclusion { get; init; } = 0.4;

    /// <summary>Most unannotated distractor strokes on the background (key <c>clutter</c>); default 4.</summary>
    public int Clutter { get; init; } = 4;

    /// <summary>The largest object size in effect (resolves the 0 default of <see cref="MaxSize"/>).</summary>
    public double EffectiveMaxSize => MaxSize > 0 ? MaxSize : 0.7 * Math.Min(Width, Height);

    /// <summary>The keys <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "images", "seed", "size", "width", "height", "classes", "min_objects", "max_objects", "min_size", "max_size",
        "noise", "occlusion", "clutter",
    ];

    /// <summary>
    /// Parses <c>KEY=VALUE,...</c> (the part of a SPEC after <c>synthetic:</c>; empty for the defaults) over
    /// <paramref name="defaults"/> (or the defaults of this type), and validates the result.
    /// </summary>
    /// <exception cref="InputException">An unknown key, a malformed value or an option out of range.</exception>
    public static SyntheticOptions Parse(string text, SyntheticOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = defaults ?? new SyntheticOptions();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InputException($"synthetic option '{part}': expected KEY=VALUE");
            }

            string key = part[..eq].Trim().ToLowerInvariant().Replace('-', '_');
            string value = part[(eq + 1)..].Trim();
            options = key switch
            {
                "images" => options with { Images = ParseInt(key, value) },
                "seed" => options with { Seed = ParseSeed(value) },
                "size" => options with { Width = ParseInt(key, value), Height = ParseInt(key, value) },
                "width" => options with { Width = ParseInt(key, value) },
                "height" => options with { Height = ParseInt(key, value) },
                "classes" => options with { Classes = ParseInt(key, value) },
                "min_objects" => options with { MinObjects = ParseInt(key, value) },
                "max_objects" => options with { MaxObjects = ParseInt(key, value) },
                "min_size" => options with { MinSize = ParseDouble(key, value) },
                "max_size" => options with { MaxSize = ParseDouble(key, value) },
                "noise" => options with { Noise = ParseDouble(key, value) },
                "occlusion" => options with { MaxOcclusion = ParseDouble(key, value) },
                "clutter" => options with { Clutter = ParseInt(key, value) },
                _ => throw new InputException(
                    $"synthetic option '{key}' is unknown (known: {string.Join(", ", Keys)})"),
            };
        }

        options.Validate();
        return options;
    }

    /// <summary>Checks every option's range.</summary>
    /// <exception cref="InputException">An option out of range, named.</exception>
    public void Validate()
    {
        Require(Images >= 1, "images must be at least 1");
        Require(Width is >= 32 and <= 4096, "width must be in 32..4096");
        Require(Height is >= 32 and <= 4096, "height must be in 32..4096");
        Require(Classes is >= 1 and <= 6, "classes must be in 1..6");
        Require(MinObjects >= 0, "min_objects must be at least 0");
        Require(MaxObjects >= Math.Max(1, MinObjects) && MaxObjects <= 100, "max_objects must be in max(1, min_objects)..100");
        Require(MinSize >= 4, "min_size must be at least 4 pixels");
        Require(EffectiveMaxSize >= MinSize, "max_size must be at least min_size");
        Require(EffectiveMaxSize <= 0.9 * Math.Min(Width, Height), "max_size must be at most 0.9 x the shorter image side");
        Require(Noise is >= 0 and <= 64, "noise must be in 0..64");
        Require(MaxOcclusion is >= 0 and <= 0.9, "occlusion must be in 0..0.9");
        Require(Clutter is >= 0 and <= 100, "clutter must be in 0..100");
    }

    /// <summary>The options as a SPEC (<c>synthetic:images=...,...</c>) that <see cref="Parse"/> reads back.</summary>
    public string ToSpec() => string.Create(CultureInfo.InvariantCulture,
        $"synthetic:images={Images},seed={Seed},width={Width},height={Height},classes={Classes}," +
        $"min_objects={MinObjects},max_objects={MaxObjects},min_size={MinSize},max_size={EffectiveMaxSize}," +
        $"noise={Noise},occlusion={MaxOcclusion},clutter={Clutter}");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InputException($"synthetic data: {message}");
        }
    }

    private static int ParseInt(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result)
            ? result
            : throw new InputException($"synthetic option {key}='{value}' is not an integer");

    private static double ParseDouble(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) && double.IsFinite(result)
            ? result
            : throw new InputException($"synthetic option {key}='{value}' is not a number");

    private static ulong ParseSeed(string value) =>
        ulong.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong result)
            ? result
            : throw new InputException($"synthetic option seed='{value}' is not a non-negative integer");
}
