using DynDet.Data.Images;

namespace DynDet.Data.Synthetic;

/// <summary>
/// Draws a <see cref="Scene"/>: gradient background with a two-octave value-noise texture, distractor
/// strokes, then the objects in order with anti-aliased edges (coverage = clamp(0.5 − signed distance, 0, 1)
/// per pixel centre, so the 50 % coverage contour is the exact outline whose tight box is the annotation),
/// then per-pixel sensor noise; finally rounds to 8 bits. Pure C#, single-threaded per image, deterministic.
/// </summary>
internal static class SceneRenderer
{
    public static RgbImage Render(Scene scene, ulong noiseSeed, bool drawShapes = true)
    {
        int width = scene.Width, height = scene.Height;
        var rng = new Pcg32(noiseSeed, 1);
        var canvas = new float[width * height * 3];
        DrawBackground(scene, rng, canvas);
        foreach (SceneStroke stroke in scene.Strokes)
        {
            DrawStroke(stroke, width, height, canvas);
        }

        if (drawShapes)
        {
            foreach (SceneShape shape in scene.Shapes)
            {
                DrawShape(shape, width, height, canvas);
            }
        }

        var pixels = new byte[canvas.Length];
        // Triangular noise (sum of two uniforms) with the requested standard deviation: cheap and bounded.
        float noiseScale = scene.PixelNoise / 0.40824829f / 65536f;
        for (int k = 0; k < canvas.Length; k++)
        {
            float value = canvas[k];
            if (noiseScale > 0)
            {
                uint r = rng.NextUInt32();
                value += ((int)(r & 0xFFFF) + (int)(r >> 16) - 65535) * noiseScale;
            }

            pixels[k] = (byte)(Math.Clamp(value, 0f, 255f) + 0.5f);
        }

        return new RgbImage(width, height, pixels);
    }

    private static void DrawBackground(Scene scene, Pcg32 rng, float[] canvas)
    {
        int width = scene.Width, height = scene.Height;
        var coarse = new ValueNoise(rng, width, height, scene.TextureCell);
        var fine = new ValueNoise(rng, width, height, Math.Max(3, scene.TextureCell / 4));
        float diagonal = MathF.Sqrt((float)width * width + (float)height * height);
        Span<float> delta = stackalloc float[3];
        for (int c = 0; c < 3; c++)
        {
            delta[c] = scene.Color1[c] - scene.Color0[c];
        }

        float amplitude = scene.TextureAmplitude;
        for (int y = 0; y < height; y++)
        {
            float py = y + 0.5f - height * 0.5f;
            int row = y * width * 3;
            for (int x = 0; x < width; x++)
            {
                float t = 0.5f + ((x + 0.5f - width * 0.5f) * scene.GradientX + py * scene.GradientY) / diagonal;
                t = Math.Clamp(t, 0f, 1f);
                float texture = amplitude * (coarse.Sample(x, y) + 0.5f * fine.Sample(x, y));
                int k = row + x * 3;
                canvas[k] = scene.Color0[0] + delta[0] * t + texture * scene.TextureTint[0];
                canvas[k + 1] = scene.Color0[1] + delta[1] * t + texture * scene.TextureTint[1];
                canvas[k + 2] = scene.Color0[2] + delta[2] * t + texture * scene.TextureTint[2];
            }
        }
    }

    private static void DrawStroke(SceneStroke stroke, int width, int height, float[] canvas)
    {
        float reach = stroke.HalfWidth + 1;
        int x0 = Math.Max(0, (int)MathF.Floor(Math.Min(stroke.X0, stroke.X1) - reach));
        int x1 = Math.Min(width - 1, (int)MathF.Ceiling(Math.Max(stroke.X0, stroke.X1) + reach));
        int y0 = Math.Max(0, (int)MathF.Floor(Math.Min(stroke.Y0, stroke.Y1) - reach));
        int y1 = Math.Min(height - 1, (int)MathF.Ceiling(Math.Max(stroke.Y0, stroke.Y1) + reach));
        float ex = stroke.X1 - stroke.X0, ey = stroke.Y1 - stroke.Y0;
        float inverse = ex * ex + ey * ey > 0 ? 1f / (ex * ex + ey * ey) : 0f;
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                float wx = x + 0.5f - stroke.X0, wy = y + 0.5f - stroke.Y0;
                float t = Math.Clamp((wx * ex + wy * ey) * inverse, 0f, 1f);
                float dx = wx - ex * t, dy = wy - ey * t;
                float coverage = Math.Clamp(0.5f - (MathF.Sqrt(dx * dx + dy * dy) - stroke.HalfWidth), 0f, 1f);
                if (coverage <= 0)
                {
                    continue;
                }

                float alpha = coverage * stroke.Opacity;
                int k = (y * width + x) * 3;
                canvas[k] += (stroke.Red - canvas[k]) * alpha;
                canvas[k + 1] += (stroke.Green - canvas[k + 1]) * alpha;
                canvas[k + 2] += (stroke.Blue - canvas[k + 2]) * alpha;
            }
        }
    }

    private static void DrawShape(SceneShape shape, int width, int height, float[] canvas)
    {
        int x0 = Math.Max(0, (int)MathF.Floor(shape.X1) - 1);
        int x1 = Math.Min(width - 1, (int)MathF.Ceiling(shape.X2) + 1);
        int y0 = Math.Max(0, (int)MathF.Floor(shape.Y1) - 1);
        int y1 = Math.Min(height - 1, (int)MathF.Ceiling(shape.Y2) + 1);
        for (int y = y0; y <= y1; y++)
        {
            float py = y + 0.5f;
            for (int x = x0; x <= x1; x++)
            {
                float px = x + 0.5f;
                float coverage = Math.Clamp(0.5f - shape.Distance(px, py), 0f, 1f);
                if (coverage <= 0)
                {
                    continue;
                }

                float shade = (px - shape.CenterX) * shape.ShadeX + (py - shape.CenterY) * shape.ShadeY;
                int k = (y * width + x) * 3;
                canvas[k] += (shape.Red + shade - canvas[k]) * coverage;
                canvas[k + 1] += (shape.Green + shade - canvas[k + 1]) * coverage;
                canvas[k + 2] += (shape.Blue + shade - canvas[k + 2]) * coverage;
            }
        }
    }

    /// <summary>Smooth value noise in [−1, 1]: random values on a grid, smoothstep-interpolated.</summary>
    private sealed class ValueNoise
    {
        private readonly float[] _grid;
        private readonly int _gridWidth;
        private readonly int[] _ix;
        private readonly float[] _tx;
        private readonly int[] _iy;
        private readonly float[] _ty;

        public ValueNoise(Pcg32 rng, int width, int height, int cell)
        {
            _gridWidth = width / cell + 2;
            int gridHeight = height / cell + 2;
            _grid = new float[_gridWidth * gridHeight];
            for (int k = 0; k < _grid.Length; k++)
            {
                _grid[k] = rng.NextSingle() * 2f - 1f;
            }

            (_ix, _tx) = Axis(width, cell);
            (_iy, _ty) = Axis(height, cell);
        }

        public float Sample(int x, int y)
        {
            int i = _ix[x], j = _iy[y];
            float tx = _tx[x], ty = _ty[y];
            int k = j * _gridWidth + i;
            float top = _grid[k] + (_grid[k + 1] - _grid[k]) * tx;
            float bottom = _grid[k + _gridWidth] + (_grid[k + _gridWidth + 1] - _grid[k + _gridWidth]) * tx;
            return top + (bottom - top) * ty;
        }

        private static (int[] Index, float[] Weight) Axis(int length, int cell)
        {
            var index = new int[length];
            var weight = new float[length];
            for (int p = 0; p < length; p++)
            {
                float f = (p + 0.5f) / cell;
                int i = (int)f;
                float t = f - i;
                index[p] = i;
                weight[p] = t * t * (3f - 2f * t);
            }

            return (index, weight);
        }
    }
}
