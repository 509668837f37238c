using DynDet.Torch;

namespace DynDet.Structures;

/// <summary>
/// Box arithmetic on tensors of boxes <c>(x1, y1, x2, y2)</c> in pixels, MMDetection v2 convention (no "+1":
/// width = x2 − x1). Every method is batched (no per-box work on the .NET side), works on the boxes' device and
/// dtype, and returns a new tensor owned by the caller's dispose scope. Boxes are <c>(..., N, 4)</c>; leading
/// batch dimensions broadcast where stated.
/// </summary>
public static class BoxOps
{
    /// <summary>The default lower bound on unions and enclosing areas (MMDetection's <c>eps=1e-6</c>).</summary>
    public const double DefaultEps = 1e-6;

    /// <summary>Areas <c>(x2 − x1)·(y2 − y1)</c> of boxes <c>(..., 4)</c>, shape <c>(...)</c>; not clamped (inverted boxes give negative areas, as in MMDetection and torchvision).</summary>
    public static Tensor Area(Tensor boxes)
    {
        CheckBoxes(boxes, nameof(boxes), multipleOfFour: false);
        using var scope = Engine.NewDisposeScope();
        var w = boxes.Select(-1, 2) - boxes.Select(-1, 0);
        var h = boxes.Select(-1, 3) - boxes.Select(-1, 1);
        return scope.MoveToOuter(w * h);
    }

    /// <summary>
    /// Pairwise IoU of <paramref name="boxes1"/> <c>(..., N, 4)</c> and <paramref name="boxes2"/> <c>(..., M, 4)</c>,
    /// shape <c>(..., N, M)</c>, exactly as MMDetection's <c>bbox_overlaps(mode='iou', eps=1e-6)</c>: the union is
    /// clamped below at <paramref name="eps"/>, so degenerate pairs (zero union) give 0 where torchvision's
    /// <c>box_iou</c> gives NaN.
    /// </summary>
    public static Tensor Iou(Tensor boxes1, Tensor boxes2, double eps = DefaultEps) =>
        Overlaps(boxes1, boxes2, OverlapMode.Iou, aligned: false, eps);

    /// <summary>Pairwise intersection over the area of <paramref name="boxes1"/> (MMDetection's mode 'iof'), shape <c>(..., N, M)</c>.</summary>
    public static Tensor Iof(Tensor boxes1, Tensor boxes2, double eps = DefaultEps) =>
        Overlaps(boxes1, boxes2, OverlapMode.Iof, aligned: false, eps);

    /// <summary>Pairwise generalised IoU (MMDetection's mode 'giou'), shape <c>(..., N, M)</c>, values in [−1, 1].</summary>
    public static Tensor Giou(Tensor boxes1, Tensor boxes2, double eps = DefaultEps) =>
        Overlaps(boxes1, boxes2, OverlapMode.Giou, aligned: false, eps);

    /// <summary>IoU of row i of <paramref name="boxes1"/> with row i of <paramref name="boxes2"/> (both <c>(..., N, 4)</c>), shape <c>(..., N)</c> (<c>is_aligned=True</c>).</summary>
    public static Tensor AlignedIou(Tensor boxes1, Tensor boxes2, double eps = DefaultEps) =>
        Overlaps(boxes1, boxes2, OverlapMode.Iou, aligned: true, eps);

    /// <summary>Generalised IoU of row i with row i (both <c>(..., N, 4)</c>), shape <c>(..., N)</c>; the GIoU loss is <c>1 − AlignedGiou</c>.</summary>
    public static Tensor AlignedGiou(Tensor boxes1, Tensor boxes2, double eps = DefaultEps) =>
        Overlaps(boxes1, boxes2, OverlapMode.Giou, aligned: true, eps);

    /// <summary>
    /// MMDetection's <c>bbox_overlaps(boxes1, boxes2, mode, is_aligned, eps)</c>: pairwise <c>(..., N, M)</c>, or
    /// row-wise <c>(..., N)</c> when <paramref name="aligned"/> (then N must equal M). Unions (areas of
    /// <paramref name="boxes1"/> for <see cref="OverlapMode.Iof"/>) and enclosing areas are clamped below at
    /// <paramref name="eps"/> (default 1e-6).
    /// </summary>
    public static Tensor Overlaps(Tensor boxes1, Tensor boxes2, OverlapMode mode = OverlapMode.Iou, bool aligned = false,
        double eps = DefaultEps)
    {
        CheckBoxes(boxes1, nameof(boxes1), multipleOfFour: false);
        CheckBoxes(boxes2, nameof(boxes2), multipleOfFour: false);
        if (aligned && boxes1.Size(-2) != boxes2.Size(-2))
        {
            throw new ArgumentException(
                $"aligned overlaps need as many rows in both sets ({boxes1.Size(-2)} vs {boxes2.Size(-2)})", nameof(boxes2));
        }

        using var scope = Engine.NewDisposeScope();
        var area1 = Area(boxes1);
        var area2 = Area(boxes2);
        // Pairwise: (..., N, 1, 4) against (..., 1, M, 4) broadcasts to (..., N, M, ·).
        var b1 = aligned ? boxes1 : boxes1.Unsqueeze(-2);
        var b2 = aligned ? boxes2 : boxes2.Unsqueeze(-3);
        var lt1 = b1.Narrow(-1, 0, 2);
        var rb1 = b1.Narrow(-1, 2, 2);
        var lt2 = b2.Narrow(-1, 0, 2);
        var rb2 = b2.Narrow(-1, 2, 2);
        var wh = (rb1.Minimum(rb2) - lt1.Maximum(lt2)).ClampMin(0);
        var overlap = wh.Select(-1, 0) * wh.Select(-1, 1);
        var a1 = aligned ? area1 : area1.Unsqueeze(-1);
        var a2 = aligned ? area2 : area2.Unsqueeze(-2);
        var union = (mode == OverlapMode.Iof ? a1 : a1 + a2 - overlap).ClampMin(eps);
        var ious = overlap / union;
        if (mode != OverlapMode.Giou)
        {
            return scope.MoveToOuter(ious);
        }

        var enclosingWh = (rb1.Maximum(rb2) - lt1.Minimum(lt2)).ClampMin(0);
        var enclosing = (enclosingWh.Select(-1, 0) * enclosingWh.Select(-1, 1)).ClampMin(eps);
        return scope.MoveToOuter(ious - (enclosing - union) / enclosing);
    }

    /// <summary>
    /// Clamps x to [0, <paramref name="width"/>] and y to [0, <paramref name="height"/>] (MMDetection's
    /// <c>clip_border</c>, torchvision's <c>clip_boxes_to_image</c>). Works on <c>(..., 4k)</c>, e.g. the
    /// class-specific <c>(R, 4C)</c> boxes of the R-CNN head.
    /// </summary>
    public static Tensor Clip(Tensor boxes, double height, double width)
    {
        CheckBoxes(boxes, nameof(boxes), multipleOfFour: true);
        using var scope = Engine.NewDisposeScope();
        long[] shape = boxes.Shape;
        var x = boxes.Slice(-1, 0, null, 2).Clamp(0, width);
        var y = boxes.Slice(-1, 1, null, 2).Clamp(0, height);
        return scope.MoveToOuter(Tensor.Stack([x, y], -1).Reshape(shape));
    }

    /// <summary><c>(x1, y1, x2, y2)</c> → <c>(x, y, w, h)</c> (COCO's box format) for <c>(..., 4)</c>.</summary>
    public static Tensor XyxyToXywh(Tensor boxes)
    {
        CheckBoxes(boxes, nameof(boxes), multipleOfFour: false);
        using var scope = Engine.NewDisposeScope();
        var xy = boxes.Narrow(-1, 0, 2);
        return scope.MoveToOuter(Tensor.Cat([xy, boxes.Narrow(-1, 2, 2) - xy], -1));
    }

    /// <summary><c>(x, y, w, h)</c> (COCO's box format) → <c>(x1, y1, x2, y2)</c> for <c>(..., 4)</c>.</summary>
    public static Tensor XywhToXyxy(Tensor boxes)
    {
        CheckBoxes(boxes, nameof(boxes), multipleOfFour: false);
        using var scope = Engine.NewDisposeScope();
        var xy = boxes.Narrow(-1, 0, 2);
        return scope.MoveToOuter(Tensor.Cat([xy, xy + boxes.Narrow(-1, 2, 2)], -1));
    }

    /// <summary>
    /// Maps boxes <c>(..., 4k)</c> of a resized image back to the original: x divided by
    /// <paramref name="scaleX"/>, y by <paramref name="scaleY"/> (MMDetection's <c>bboxes /= scale_factor</c>
    /// with <c>scale_factor = (w_scale, h_scale, w_scale, h_scale)</c>).
    /// </summary>
    public static Tensor Rescale(Tensor boxes, double scaleX, double scaleY)
    {
        CheckBoxes(boxes, nameof(boxes), multipleOfFour: true);
        if (!(scaleX > 0) || !(scaleY > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(scaleX), $"scale factors must be positive (got {scaleX}, {scaleY})");
        }

        if (scaleX == scaleY)
        {
            return boxes.Div(scaleX);
        }

        using var scope = Engine.NewDisposeScope();
        long[] shape = boxes.Shape;
        var x = boxes.Slice(-1, 0, null, 2) / scaleX;
        var y = boxes.Slice(-1, 1, null, 2) / scaleY;
        return scope.MoveToOuter(Tensor.Stack([x, y], -1).Reshape(shape));
    }

    /// <summary>Throws unless <paramref name="boxes"/> has at least one dimension and its last is 4 (or a multiple of 4).</summary>
    internal static void CheckBoxes(Tensor boxes, string name, bool multipleOfFour)
    {
        ArgumentNullException.ThrowIfNull(boxes, name);
        long[] shape = boxes.Shape;
        long last = shape.Length == 0 ? 0 : shape[^1];
        bool ok = multipleOfFour ? last > 0 && last % 4 == 0 : last == 4;
        if (!ok)
        {
            throw new ArgumentException(
                $"{name} must be boxes shaped (..., {(multipleOfFour ? "4k" : "4")}), got [{string.Join(", ", shape)}]", name);
        }
    }
}
