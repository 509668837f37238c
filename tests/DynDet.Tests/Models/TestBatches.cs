using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Torch;

namespace DynDet.Tests.Models;

/// <summary>Detection batches built by hand for detector tests.</summary>
internal static class TestBatches
{
    /// <summary>A batch of blank images of <paramref name="height"/>×<paramref name="width"/> with the given targets.</summary>
    /// <param name="imageShapes">Per image: resized (height, width) and padded (height, width).</param>
    public static DetectionBatch Make(int height, int width, IReadOnlyList<Tensor> boxes, IReadOnlyList<Tensor> labels,
        IReadOnlyList<((int H, int W) Image, (int H, int W) Pad)>? imageShapes = null, float scaleX = 1, float scaleY = 1)
    {
        int n = boxes.Count;
        var targets = new DetectionTargets[n];
        var metas = new ImageMeta[n];
        for (int i = 0; i < n; i++)
        {
            var ((h, w), (ph, pw)) = imageShapes?[i] ?? ((height, width), (height, width));
            targets[i] = new DetectionTargets(boxes[i].Alias().DetachFromDisposeScope(), labels[i].Alias().DetachFromDisposeScope(),
                Tensor.Zeros([0, 4]).DetachFromDisposeScope());
            metas[i] = new ImageMeta
            {
                Index = i, ImageId = i, Name = $"test_{i}", OriginalWidth = (int)Math.Round(w / scaleX),
                OriginalHeight = (int)Math.Round(h / scaleY), Width = w, Height = h, PadWidth = pw, PadHeight = ph,
                ScaleX = scaleX, ScaleY = scaleY, Flipped = false,
            };
        }

        return new DetectionBatch(Tensor.Zeros([n, 3, height, width]).DetachFromDisposeScope(), targets, metas, 0, 0, 0)
        {
            Height = height,
            Width = width,
        };
    }
}
