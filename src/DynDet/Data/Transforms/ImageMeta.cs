using DynDet.Torch;

namespace DynDet.Data.Transforms;

/// <summary>
/// Per-image metadata that travels with a batch (MMDetection's <c>img_metas</c>): which image, its original
/// size (<c>ori_shape</c>), its size after resize (<c>img_shape</c>), its padded size (<c>pad_shape</c>), the
/// per-axis scale factors and the flip, so detections can be mapped back to original pixels.
/// </summary>
public sealed record ImageMeta
{
    /// <summary>Index of the image in its dataset.</summary>
    public required int Index { get; init; }

    /// <summary>The dataset's image id (COCO <c>image_id</c> for result files).</summary>
    public required long ImageId { get; init; }

    /// <summary>Short name of the image (for output files and messages).</summary>
    public required string Name { get; init; }

    /// <summary>The image file, or null for in-memory images.</summary>
    public string? FilePath { get; init; }

    /// <summary>Original width (<c>ori_shape</c>).</summary>
    public required int OriginalWidth { get; init; }

    /// <summary>Original height (<c>ori_shape</c>).</summary>
    public required int OriginalHeight { get; init; }

    /// <summary>Width after resize (<c>img_shape</c>): valid pixels of the padded image.</summary>
    public required int Width { get; init; }

    /// <summary>Height after resize (<c>img_shape</c>).</summary>
    public required int Height { get; init; }

    /// <summary>Width padded to the size divisor (<c>pad_shape</c>); the batch may be wider still.</summary>
    public required int PadWidth { get; init; }

    /// <summary>Height padded to the size divisor (<c>pad_shape</c>).</summary>
    public required int PadHeight { get; init; }

    /// <summary>Horizontal scale factor, new width / original width (float32 as MMDetection keeps it).</summary>
    public required float ScaleX { get; init; }

    /// <summary>Vertical scale factor, new height / original height.</summary>
    public required float ScaleY { get; init; }

    /// <summary>Whether the image was flipped horizontally (after resize).</summary>
    public required bool Flipped { get; init; }

    /// <summary>
    /// Maps (x1, y1, x2, y2) boxes from network input pixels back to original pixels in place: undoes the flip
    /// (x1' = W − x2, x2' = W − x1 with W = <see cref="Width"/>), then divides by the scale factors, as
    /// MMDetection's <c>rescale=True</c> does. No clipping.
    /// </summary>
    public void MapToOriginal(Span<float> boxes)
    {
        if (boxes.Length % 4 != 0)
        {
            throw new ArgumentException("boxes must hold 4 values per box", nameof(boxes));
        }

        for (int k = 0; k < boxes.Length; k += 4)
        {
            float x1 = boxes[k], x2 = boxes[k + 2];
            if (Flipped)
            {
                (x1, x2) = (Width - x2, Width - x1);
            }

            boxes[k] = x1 / ScaleX;
            boxes[k + 1] /= ScaleY;
            boxes[k + 2] = x2 / ScaleX;
            boxes[k + 3] /= ScaleY;
        }
    }

    /// <summary>
    /// Maps an N×4 float tensor of (x1, y1, x2, y2) boxes (on any device) from network input pixels to original
    /// pixels; returns a new tensor (see <see cref="MapToOriginal(Span{float})"/>).
    /// </summary>
    public Tensor MapToOriginal(Tensor boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        using var scope = Engine.NewDisposeScope();
        Device device = boxes.Device;
        Tensor mapped = boxes;
        if (Flipped)
        {
            Tensor order = Tensor.FromArray(new long[] { 2, 1, 0, 3 }).To(device);
            Tensor sign = Tensor.FromArray(new float[] { -1, 1, -1, 1 }).To(device);
            Tensor offset = Tensor.FromArray(new float[] { Width, 0, Width, 0 }).To(device);
            mapped = boxes.IndexSelect(1, order) * sign + offset;
        }

        Tensor scale = Tensor.FromArray(new float[] { ScaleX, ScaleY, ScaleX, ScaleY }).To(device);
        return scope.MoveToOuter(mapped / scale);
    }
}
