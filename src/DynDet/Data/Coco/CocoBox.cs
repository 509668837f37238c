namespace DynDet.Data.Coco;

/// <summary>
/// A box in COCO's <c>bbox</c> convention: top-left corner and size, <c>[x, y, w, h]</c>, in pixels,
/// with no "+1" (a box from x = 10 to x = 20 has width 10).
/// </summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width, ≥ 0 in valid data (pycocotools accepts 0).</param>
/// <param name="Height">Height, ≥ 0 in valid data (pycocotools accepts 0).</param>
public readonly record struct CocoBox(double X, double Y, double Width, double Height)
{
    /// <summary>Right edge, <c>X + Width</c>.</summary>
    public double Right => X + Width;

    /// <summary>Bottom edge, <c>Y + Height</c>.</summary>
    public double Bottom => Y + Height;

    /// <summary><c>Width · Height</c>: the area pycocotools' <c>loadRes</c> gives a detection.</summary>
    public double Area => Width * Height;

    /// <summary>Whether all four numbers are finite.</summary>
    public bool IsFinite =>
        double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Width) && double.IsFinite(Height);

    /// <summary>The box with corners (<paramref name="x1"/>, <paramref name="y1"/>) and (<paramref name="x2"/>, <paramref name="y2"/>).</summary>
    public static CocoBox FromCorners(double x1, double y1, double x2, double y2) => new(x1, y1, x2 - x1, y2 - y1);

    /// <summary>
    /// Why this box is not a valid COCO box (a non-finite number or a negative size), or null when it is.
    /// Zero width or height is valid: pycocotools accepts such boxes (they never overlap anything).
    /// </summary>
    public string? Problem()
    {
        if (!IsFinite)
        {
            return $"bbox [{X}, {Y}, {Width}, {Height}] has a non-finite number";
        }

        if (Width < 0)
        {
            return $"bbox width {Width} is negative (expected [x, y, w, h])";
        }

        return Height < 0 ? $"bbox height {Height} is negative (expected [x, y, w, h])" : null;
    }
}
