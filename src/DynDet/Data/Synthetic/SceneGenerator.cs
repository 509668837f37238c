namespace DynDet.Data.Synthetic;

/// <summary>
/// Decides the layout of synthetic image <c>index</c> from its own generator (seeded by the dataset seed and
/// the index, so any image can be made alone and in any order): background, distractor strokes and objects.
/// Objects get a log-uniform size (the square root of their box area) between the options' bounds, a random
/// aspect and rotation, a colour that stands out from the background and from the objects they overlap, and a
/// position keeping them inside the image. A placement is refused when it would hide more than
/// <see cref="SyntheticOptions.MaxOcclusion"/> of an object already placed (estimated on a grid of sample
/// points inside each object), or come within <see cref="ExtremeMargin"/> pixels of one of the four outline points
/// that define an earlier object's box: occluded objects stay partly hidden, but their full box can always be
/// read off visible pixels, so the annotation is exactly learnable at high IoU. Refused objects are retried a
/// few times, then dropped.
/// </summary>
internal static class SceneGenerator
{
    private const int Attempts = 12;
    private const int SampleGrid = 14;
    private const float MinBackgroundContrast = 90f;
    private const float MinObjectContrast = 70f;
    private const float ExtremeMargin = 2f;

    public static Scene Generate(SyntheticOptions options, int index)
    {
        var rng = new Pcg32(Pcg32.Mix(options.Seed, 0x5CE7E), (ulong)index * 2);
        int width = options.Width, height = options.Height;
        float angle = (float)rng.Uniform(0, 2 * Math.PI);
        var strokes = new List<SceneStroke>();
        var shapes = new List<SceneShape>();
        var scene = new Scene
        {
            Width = width,
            Height = height,
            Color0 = RandomColor(rng),
            Color1 = RandomColor(rng),
            GradientX = MathF.Cos(angle),
            GradientY = MathF.Sin(angle),
            TextureCell = rng.NextInt(12, 48),
            TextureAmplitude = (float)rng.Uniform(8, 40),
            TextureTint = [(float)rng.Uniform(0.5, 1), (float)rng.Uniform(0.5, 1), (float)rng.Uniform(0.5, 1)],
            PixelNoise = (float)(options.Noise * rng.Uniform(0.5, 1.5)),
            Strokes = strokes,
            Shapes = shapes,
        };

        int strokeCount = options.Clutter == 0 ? 0 : rng.NextInt(0, options.Clutter);
        for (int s = 0; s < strokeCount; s++)
        {
            float[] color = RandomColor(rng);
            strokes.Add(new SceneStroke(
                (float)rng.Uniform(0, width), (float)rng.Uniform(0, height),
                (float)rng.Uniform(0, width), (float)rng.Uniform(0, height),
                (float)rng.Uniform(0.5, 1.6), color[0], color[1], color[2], (float)rng.Uniform(0.3, 0.8)));
        }

        var samples = new List<Samples>();
        int objectCount = rng.NextInt(options.MinObjects, options.MaxObjects);
        Span<float> baseColor = stackalloc float[3];
        for (int o = 0; o < objectCount; o++)
        {
            for (int attempt = 0; attempt < Attempts; attempt++)
            {
                SceneShape shape = RandomShape(rng, options);
                if (!AcceptOcclusion(shape, samples, options.MaxOcclusion))
                {
                    continue;
                }

                scene.BaseColor(shape.CenterX, shape.CenterY, baseColor);
                ChooseColor(rng, shape, baseColor, shapes);
                float shade = (float)rng.Uniform(0, 35) / Math.Max(4f, 0.5f * MathF.Sqrt((shape.X2 - shape.X1) * (shape.Y2 - shape.Y1)));
                float shadeAngle = (float)rng.Uniform(0, 2 * Math.PI);
                shape.ShadeX = shade * MathF.Cos(shadeAngle);
                shape.ShadeY = shade * MathF.Sin(shadeAngle);
                Cover(shape, samples);
                samples.Add(Samples.Of(shape));
                shapes.Add(shape);
                break;
            }
        }

        return scene;
    }

    private static float[] RandomColor(Pcg32 rng) =>
        [(float)rng.Uniform(0, 255), (float)rng.Uniform(0, 255), (float)rng.Uniform(0, 255)];

    private static SceneShape RandomShape(Pcg32 rng, SyntheticOptions options)
    {
        var kind = (ShapeKind)rng.NextInt(options.Classes);
        double size = Math.Exp(rng.Uniform(Math.Log(options.MinSize), Math.Log(options.EffectiveMaxSize)));
        float angle = (float)rng.Uniform(0, 2 * Math.PI);
        float cos = MathF.Cos(angle), sin = MathF.Sin(angle);

        // Unit-scale outline in local coordinates; scaled below so that the rotated tight box has area size².
        float[] xs, ys;
        float a = 1, b = 1;
        switch (kind)
        {
            case ShapeKind.Circle:
                xs = ys = [];
                break;
            case ShapeKind.Ellipse:
                b = 1f / (float)rng.Uniform(1.6, 3.0);
                xs = ys = [];
                break;
            case ShapeKind.Rectangle:
            {
                float aspect = rng.NextBool(0.3) ? 1f : (float)Math.Exp(rng.Uniform(Math.Log(0.35), 0));
                (xs, ys) = ([-1f, 1f, 1f, -1f], [-aspect, -aspect, aspect, aspect]);
                break;
            }

            case ShapeKind.Triangle:
            {
                // Vertices on a circle with arcs of at least 70° between them: every angle is at least 35°.
                double g0 = rng.NextDouble() + 0.05, g1 = rng.NextDouble() + 0.05, g2 = rng.NextDouble() + 0.05;
                double free = 2 * Math.PI - 3 * (70 * Math.PI / 180), total = g0 + g1 + g2;
                double p1 = 70 * Math.PI / 180 + free * g0 / total;
                double p2 = p1 + 70 * Math.PI / 180 + free * g1 / total;
                xs = [1f, (float)Math.Cos(p1), (float)Math.Cos(p2)];
                ys = [0f, (float)Math.Sin(p1), (float)Math.Sin(p2)];
                break;
            }

            case ShapeKind.Star:
            {
                float inner = (float)rng.Uniform(0.38, 0.6);
                xs = new float[10];
                ys = new float[10];
                for (int k = 0; k < 10; k++)
                {
                    float r = k % 2 == 0 ? 1f : inner;
                    double phi = k * Math.PI / 5 - Math.PI / 2;
                    xs[k] = r * (float)Math.Cos(phi);
                    ys[k] = r * (float)Math.Sin(phi);
                }

                break;
            }

            default:
            {
                float t = (float)rng.Uniform(0.18, 0.35), l = (float)rng.Uniform(0.7, 1.3);
                xs = [-t, t, t, 1f, 1f, t, t, -t, -t, -1f, -1f, -t];
                ys = [-l, -l, -t, -t, t, t, l, l, t, t, -t, -t];
                break;
            }
        }

        float scale;
        if (xs.Length == 0)
        {
            float hx = MathF.Sqrt(a * a * cos * cos + b * b * sin * sin);
            float hy = MathF.Sqrt(a * a * sin * sin + b * b * cos * cos);
            scale = (float)size / MathF.Sqrt(4 * hx * hy);
        }
        else
        {
            float minX = float.MaxValue, maxX = float.MinValue, minY = float.MaxValue, maxY = float.MinValue;
            for (int k = 0; k < xs.Length; k++)
            {
                float rx = xs[k] * cos - ys[k] * sin, ry = xs[k] * sin + ys[k] * cos;
                xs[k] = rx;
                ys[k] = ry;
                minX = Math.Min(minX, rx);
                maxX = Math.Max(maxX, rx);
                minY = Math.Min(minY, ry);
                maxY = Math.Max(maxY, ry);
            }

            scale = (float)size / MathF.Sqrt((maxX - minX) * (maxY - minY));
        }

        // Place the centre so the tight box stays inside the image, one pixel from the border.
        float halfW, halfH;
        if (xs.Length == 0)
        {
            halfW = scale * MathF.Sqrt(a * a * cos * cos + b * b * sin * sin);
            halfH = scale * MathF.Sqrt(a * a * sin * sin + b * b * cos * cos);
        }
        else
        {
            halfW = scale * Math.Max(-xs.Min(), xs.Max());
            halfH = scale * Math.Max(-ys.Min(), ys.Max());
        }

        // An elongated shape can have a box longer than the image at the drawn size: shrink it to fit.
        float fit = Math.Min(1f, Math.Min((options.Width * 0.5f - 1) / halfW, (options.Height * 0.5f - 1) / halfH));
        scale *= fit;
        halfW *= fit;
        halfH *= fit;
        float cx = (float)rng.Uniform(halfW + 1, Math.Max(halfW + 1, options.Width - halfW - 1));
        float cy = (float)rng.Uniform(halfH + 1, Math.Max(halfH + 1, options.Height - halfH - 1));
        if (xs.Length == 0)
        {
            return SceneShape.Ellipse(kind, cx, cy, a * scale, b * scale, angle);
        }

        var px = new float[xs.Length];
        var py = new float[ys.Length];
        for (int k = 0; k < xs.Length; k++)
        {
            px[k] = cx + xs[k] * scale;
            py[k] = cy + ys[k] * scale;
        }

        return SceneShape.Polygon(kind, cx, cy, px, py);
    }

    private static bool AcceptOcclusion(SceneShape candidate, List<Samples> placed, double maxOcclusion)
    {
        foreach (Samples s in placed)
        {
            if (s.X2 <= candidate.X1 || s.X1 >= candidate.X2 || s.Y2 <= candidate.Y1 || s.Y1 >= candidate.Y2)
            {
                continue;
            }

            for (int k = 0; k < s.Extremes.Length; k += 2)
            {
                if (candidate.Distance(s.Extremes[k], s.Extremes[k + 1]) < ExtremeMargin)
                {
                    return false;
                }
            }

            int covered = s.CoveredCount;
            for (int k = 0; k < s.Xs.Length; k++)
            {
                if (!s.Covered[k] && candidate.Distance(s.Xs[k], s.Ys[k]) < 0)
                {
                    covered++;
                }
            }

            if (covered > maxOcclusion * s.Xs.Length)
            {
                return false;
            }
        }

        return true;
    }

    private static void Cover(SceneShape shape, List<Samples> placed)
    {
        foreach (Samples s in placed)
        {
            for (int k = 0; k < s.Xs.Length; k++)
            {
                if (!s.Covered[k] && shape.Distance(s.Xs[k], s.Ys[k]) < 0)
                {
                    s.Covered[k] = true;
                    s.CoveredCount++;
                }
            }
        }
    }

    private static void ChooseColor(Pcg32 rng, SceneShape shape, ReadOnlySpan<float> background, List<SceneShape> placed)
    {
        float bestScore = -1;
        float[] best = [0, 0, 0];
        for (int attempt = 0; attempt < 16; attempt++)
        {
            float[] color = RandomColor(rng);
            float score = Distance(color, background) / MinBackgroundContrast;
            foreach (SceneShape other in placed)
            {
                bool overlaps = !(other.X2 <= shape.X1 || other.X1 >= shape.X2 || other.Y2 <= shape.Y1 || other.Y1 >= shape.Y2);
                if (overlaps)
                {
                    score = Math.Min(score, Distance(color, [other.Red, other.Green, other.Blue]) / MinObjectContrast);
                }
            }

            if (score > bestScore)
            {
                bestScore = score;
                best = color;
            }

            if (score >= 1)
            {
                break;
            }
        }

        shape.Red = best[0];
        shape.Green = best[1];
        shape.Blue = best[2];
    }

    private static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float dr = a[0] - b[0], dg = a[1] - b[1], db = a[2] - b[2];
        return MathF.Sqrt(dr * dr + dg * dg + db * db);
    }

    /// <summary>Grid sample points inside a placed object and which of them later objects cover.</summary>
    private sealed class Samples
    {
        public required float[] Xs { get; init; }

        public required float[] Ys { get; init; }

        public required bool[] Covered { get; init; }

        public required float[] Extremes { get; init; }

        public int CoveredCount { get; set; }

        public float X1 { get; init; }

        public float Y1 { get; init; }

        public float X2 { get; init; }

        public float Y2 { get; init; }

        public static Samples Of(SceneShape shape)
        {
            var xs = new List<float>();
            var ys = new List<float>();
            float w = shape.X2 - shape.X1, h = shape.Y2 - shape.Y1;
            for (int j = 0; j < SampleGrid; j++)
            {
                for (int i = 0; i < SampleGrid; i++)
                {
                    float x = shape.X1 + (i + 0.5f) * w / SampleGrid, y = shape.Y1 + (j + 0.5f) * h / SampleGrid;
                    if (shape.Distance(x, y) < 0)
                    {
                        xs.Add(x);
                        ys.Add(y);
                    }
                }
            }

            return new Samples
            {
                Xs = [.. xs],
                Ys = [.. ys],
                Covered = new bool[xs.Count],
                Extremes = shape.ExtremePoints(),
                X1 = shape.X1,
                Y1 = shape.Y1,
                X2 = shape.X2,
                Y2 = shape.Y2,
            };
        }
    }
}
