namespace DynDet.Data.Synthetic;

/// <summary>
/// One object of a synthetic scene: its geometry (an ellipse, or a polygon), its tight box, its colour and
/// shading. Coordinates are continuous pixel coordinates: pixel (i, j) covers [i, i+1) × [j, j+1), so a box
/// edge at x = 10 lies between pixel columns 9 and 10.
/// </summary>
internal sealed class SceneShape
{
    private readonly float[] _xs;
    private readonly float[] _ys;
    private readonly float[] _edgeX;
    private readonly float[] _edgeY;
    private readonly float[] _edgeInverseLength2;

    private SceneShape(ShapeKind kind, float cx, float cy, float a, float b, float angle, float[] xs, float[] ys)
    {
        Kind = kind;
        CenterX = cx;
        CenterY = cy;
        SemiAxisA = a;
        SemiAxisB = b;
        Cos = MathF.Cos(angle);
        Sin = MathF.Sin(angle);
        _xs = xs;
        _ys = ys;
        int n = xs.Length;
        _edgeX = new float[n];
        _edgeY = new float[n];
        _edgeInverseLength2 = new float[n];
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            _edgeX[i] = xs[j] - xs[i];
            _edgeY[i] = ys[j] - ys[i];
            float length2 = _edgeX[i] * _edgeX[i] + _edgeY[i] * _edgeY[i];
            _edgeInverseLength2[i] = length2 > 0 ? 1f / length2 : 0f;
        }

        if (IsEllipse)
        {
            // Tight box of a rotated ellipse: half-extents sqrt(a²cos² + b²sin²) and sqrt(a²sin² + b²cos²).
            float hx = MathF.Sqrt(a * a * Cos * Cos + b * b * Sin * Sin);
            float hy = MathF.Sqrt(a * a * Sin * Sin + b * b * Cos * Cos);
            X1 = cx - hx;
            X2 = cx + hx;
            Y1 = cy - hy;
            Y2 = cy + hy;
        }
        else
        {
            X1 = xs.Min();
            X2 = xs.Max();
            Y1 = ys.Min();
            Y2 = ys.Max();
        }
    }

    public ShapeKind Kind { get; }

    public bool IsEllipse => _xs.Length == 0;

    public float CenterX { get; }

    public float CenterY { get; }

    public float SemiAxisA { get; }

    public float SemiAxisB { get; }

    public float Cos { get; }

    public float Sin { get; }

    public float X1 { get; }

    public float Y1 { get; }

    public float X2 { get; }

    public float Y2 { get; }

    /// <summary>Fill colour, 0–255 per channel.</summary>
    public float Red { get; set; }

    /// <summary>Fill colour, 0–255 per channel.</summary>
    public float Green { get; set; }

    /// <summary>Fill colour, 0–255 per channel.</summary>
    public float Blue { get; set; }

    /// <summary>Linear shading added to every channel: grey levels per pixel along x.</summary>
    public float ShadeX { get; set; }

    /// <summary>Linear shading added to every channel: grey levels per pixel along y.</summary>
    public float ShadeY { get; set; }

    /// <summary>
    /// The four outline points that define the tight box (leftmost, rightmost, topmost, bottommost), as x, y pairs.
    /// </summary>
    public float[] ExtremePoints()
    {
        if (IsEllipse)
        {
            float a = SemiAxisA, b = SemiAxisB;
            float hx = (X2 - X1) * 0.5f, hy = (Y2 - Y1) * 0.5f;
            float cross = (a * a - b * b) * Sin * Cos;
            float dy = hx > 0 ? cross / hx : 0f, dx = hy > 0 ? cross / hy : 0f;
            return [CenterX - hx, CenterY - dy, CenterX + hx, CenterY + dy, CenterX - dx, CenterY - hy, CenterX + dx, CenterY + hy];
        }

        int left = 0, right = 0, top = 0, bottom = 0;
        for (int k = 1; k < _xs.Length; k++)
        {
            left = _xs[k] < _xs[left] ? k : left;
            right = _xs[k] > _xs[right] ? k : right;
            top = _ys[k] < _ys[top] ? k : top;
            bottom = _ys[k] > _ys[bottom] ? k : bottom;
        }

        return [_xs[left], _ys[left], _xs[right], _ys[right], _xs[top], _ys[top], _xs[bottom], _ys[bottom]];
    }

    public static SceneShape Ellipse(ShapeKind kind, float cx, float cy, float a, float b, float angle) =>
        new(kind, cx, cy, a, b, angle, [], []);

    public static SceneShape Polygon(ShapeKind kind, float cx, float cy, float[] xs, float[] ys) =>
        new(kind, cx, cy, 0, 0, 0, xs, ys);

    /// <summary>
    /// Signed distance in pixels from (px, py) to the outline, negative inside. Exact for circles and
    /// polygons; for ellipses the first-order estimate g / |∇g|, exact on the outline, which is where the
    /// anti-aliasing ramp needs it.
    /// </summary>
    public float Distance(float px, float py)
    {
        if (IsEllipse)
        {
            float dx = px - CenterX, dy = py - CenterY;
            if (SemiAxisA == SemiAxisB)
            {
                return MathF.Sqrt(dx * dx + dy * dy) - SemiAxisA;
            }

            float u = dx * Cos + dy * Sin;
            float v = -dx * Sin + dy * Cos;
            float ia2 = 1f / (SemiAxisA * SemiAxisA), ib2 = 1f / (SemiAxisB * SemiAxisB);
            float g = u * u * ia2 + v * v * ib2 - 1f;
            float gradient = 2f * MathF.Sqrt(u * u * ia2 * ia2 + v * v * ib2 * ib2);
            return gradient > 1e-12f ? g / gradient : -SemiAxisB;
        }

        // Polygon: distance to the nearest edge, sign from the even-odd crossing rule.
        float best = float.MaxValue;
        bool inside = false;
        int n = _xs.Length;
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            float wx = px - _xs[i], wy = py - _ys[i];
            float ex = _edgeX[i], ey = _edgeY[i];
            float t = Math.Clamp((wx * ex + wy * ey) * _edgeInverseLength2[i], 0f, 1f);
            float bx = wx - ex * t, by = wy - ey * t;
            float d2 = bx * bx + by * by;
            if (d2 < best)
            {
                best = d2;
            }

            bool c1 = py >= _ys[i], c2 = py < _ys[j], c3 = ex * wy > ey * wx;
            if ((c1 && c2 && c3) || (!c1 && !c2 && !c3))
            {
                inside = !inside;
            }
        }

        float distance = MathF.Sqrt(best);
        return inside ? -distance : distance;
    }
}
