using DynDet.Torch;

namespace DynDet.Data;

/// <summary>One image's targets in a batch, in network-input pixels. Owned (and disposed) by its <see cref="DetectionBatch"/>.</summary>
public sealed class DetectionTargets
{
    internal DetectionTargets(Tensor boxes, Tensor labels, Tensor ignoreBoxes)
    {
        Boxes = boxes;
        Labels = labels;
        IgnoreBoxes = ignoreBoxes;
    }

    /// <summary>Target boxes, float32 N×4 (x1, y1, x2, y2); N may be 0.</summary>
    public Tensor Boxes { get; }

    /// <summary>Target labels, int64 N, 0-based.</summary>
    public Tensor Labels { get; }

    /// <summary>Ignore regions (crowd or difficult objects), float32 M×4; M may be 0.</summary>
    public Tensor IgnoreBoxes { get; }

    internal void Dispose()
    {
        Boxes.Dispose();
        Labels.Dispose();
        IgnoreBoxes.Dispose();
    }
}
