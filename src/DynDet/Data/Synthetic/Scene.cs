namespace DynDet.Data.Synthetic;

/// <summary>
/// Everything needed to draw one synthetic image, decided from the image's layout generator: background
/// gradient and texture parameters, distractor strokes and the objects in drawing order (later ones on top).
/// The renderer adds the texture and sensor noise from a second, independent generator.
/// </summary>
internal sealed class Scene
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>Gradient colours at the two ends (RGB, 0–255).</summary>
    public required float[] Color0 { get; init; }

    /// <summary>Gradient colours at the two ends (RGB, 0–255).</summary>
    public required float[] Color1 { get; init; }

    /// <summary>Unit direction of the gradient.</summary>
    public required float GradientX { get; init; }

    /// <summary>Unit direction of the gradient.</summary>
    public required float GradientY { get; init; }

    /// <summary>Cell size of the coarse value-noise texture, pixels.</summary>
    public required int TextureCell { get; init; }

    /// <summary>Texture amplitude, grey levels.</summary>
    public required float TextureAmplitude { get; init; }

    /// <summary>Per-channel texture tint (0.5–1).</summary>
    public required float[] TextureTint { get; init; }

    /// <summary>Standard deviation of the per-pixel sensor noise, grey levels.</summary>
    public required float PixelNoise { get; init; }

    public required IReadOnlyList<SceneStroke> Strokes { get; init; }

    public required IReadOnlyList<SceneShape> Shapes { get; init; }

    /// <summary>The background gradient's colour at (x, y), without texture or noise.</summary>
    public void BaseColor(float x, float y, Span<float> rgb)
    {
        float diagonal = MathF.Sqrt((float)Width * Width + (float)Height * Height);
        float t = 0.5f + ((x - Width * 0.5f) * GradientX + (y - Height * 0.5f) * GradientY) / diagonal;
        t = Math.Clamp(t, 0f, 1f);
        for (int c = 0; c < 3; c++)
        {
            rgb[c] = Color0[c] + (Color1[c] - Color0[c]) * t;
        }
    }
}
