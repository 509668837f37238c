using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// Boxes as distances (l, t, r, b) from a point to their sides: MMDetection's <c>DistancePointBBoxCoder</c>
/// (<c>distance2bbox</c> / <c>bbox2distance</c>), used by FCOS. Batched; every result is a new tensor on the inputs'
/// device, owned by the caller's dispose scope.
/// </summary>
public sealed class DistancePointBoxCoder
{
    /// <summary>The default margin kept below <c>maxDistance</c> when encoding (MMDetection's <c>eps=0.1</c>).</summary>
    public const double DefaultEps = 0.1;

    /// <summary>Creates a coder.</summary>
    /// <param name="clipBorder">Clamp decoded boxes to the image when a maximum shape is given (MMDetection's <c>clip_border</c>; default true).</param>
    public DistancePointBoxCoder(bool clipBorder = true) => ClipBorder = clipBorder;

    /// <summary>Whether <see cref="Decode"/> clamps to the given image shape.</summary>
    public bool ClipBorder { get; }

    /// <summary>
    /// Distances (N, 4) from <paramref name="points"/> (N, 2) to the sides of <paramref name="boxes"/> (N, 4):
    /// <c>(x − x1, y − y1, x2 − x, y2 − y)</c>. With <paramref name="maxDistance"/>, each is clamped to
    /// <c>[0, maxDistance − eps]</c> (GFL's integral regression; <paramref name="eps"/> default 0.1).
    /// </summary>
    public Tensor Encode(Tensor points, Tensor boxes, double? maxDistance = null, double eps = DefaultEps)
    {
        CheckPoints(points, boxes, nameof(boxes));
        using var scope = Engine.NewDisposeScope();
        var x = points.Select(-1, 0);
        var y = points.Select(-1, 1);
        var left = x - boxes.Select(-1, 0);
        var top = y - boxes.Select(-1, 1);
        var right = boxes.Select(-1, 2) - x;
        var bottom = boxes.Select(-1, 3) - y;
        if (maxDistance is { } max)
        {
            left = left.Clamp(0, max - eps);
            top = top.Clamp(0, max - eps);
            right = right.Clamp(0, max - eps);
            bottom = bottom.Clamp(0, max - eps);
        }

        return scope.MoveToOuter(Tensor.Stack([left, top, right, bottom], -1));
    }

    /// <summary>
    /// Boxes (N, 4) <c>(x − l, y − t, x + r, y + b)</c> from <paramref name="points"/> (N, 2) and
    /// <paramref name="distances"/> (N, 4). With <paramref name="maxShape"/> (image height, width after resize) and
    /// <see cref="ClipBorder"/>, x is clamped to [0, width] and y to [0, height].
    /// </summary>
    public Tensor Decode(Tensor points, Tensor distances, (double Height, double Width)? maxShape = null)
    {
        CheckPoints(points, distances, nameof(distances));
        using var scope = Engine.NewDisposeScope();
        var x = points.Select(-1, 0);
        var y = points.Select(-1, 1);
        var boxes = Tensor.Stack(
            [x - distances.Select(-1, 0), y - distances.Select(-1, 1), x + distances.Select(-1, 2), y + distances.Select(-1, 3)], -1);
        if (maxShape is { } size && ClipBorder)
        {
            boxes = BoxOps.Clip(boxes, size.Height, size.Width);
        }

        return scope.MoveToOuter(boxes);
    }

    private static void CheckPoints(Tensor points, Tensor boxes, string boxesName)
    {
        ArgumentNullException.ThrowIfNull(points);
        BoxOps.CheckBoxes(boxes, boxesName, multipleOfFour: false);
        long[] p = points.Shape;
        long[] b = boxes.Shape;
        if (p.Length != b.Length || p[^1] != 2 || !p.AsSpan(0, p.Length - 1).SequenceEqual(b.AsSpan(0, b.Length - 1)))
        {
            throw new ArgumentException(
                $"points (..., 2) and {boxesName} (..., 4) must agree, got [{string.Join(", ", p)}] and [{string.Join(", ", b)}]", boxesName);
        }
    }
}
