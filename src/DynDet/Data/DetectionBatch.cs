using DynDet.Data.Transforms;
using DynDet.Torch;

namespace DynDet.Data;

/// <summary>
/// A batch ready for a detector: normalised images padded to a common size, each image's targets, and the
/// metadata that maps detections back to original pixels. The batch owns its tensors (they belong to no
/// dispose scope, whichever thread made them) and releases them in <see cref="Dispose"/>: dispose every batch
/// you take, or move what you keep out first with <see cref="Tensor.Alias"/>.
/// </summary>
public sealed class DetectionBatch : IDisposable
{
    private bool _disposed;

    internal DetectionBatch(Tensor images, IReadOnlyList<DetectionTargets> targets, IReadOnlyList<ImageMeta> metas,
        long number, int epoch, int batchInEpoch)
    {
        Images = images;
        Targets = targets;
        Metas = metas;
        Number = number;
        Epoch = epoch;
        BatchInEpoch = batchInEpoch;
    }

    /// <summary>Images, float32 N×3×H×W, RGB normalised by the transform's mean/std, zero-padded right and bottom.</summary>
    public Tensor Images { get; }

    /// <summary>Per image: boxes, labels and ignore regions.</summary>
    public IReadOnlyList<DetectionTargets> Targets { get; }

    /// <summary>Per image: ids, shapes, scale factors, flip.</summary>
    public IReadOnlyList<ImageMeta> Metas { get; }

    /// <summary>Number of images N.</summary>
    public int Count => Metas.Count;

    /// <summary>Padded height H of <see cref="Images"/> (MMDetection's <c>batch_input_shape</c>).</summary>
    public int Height { get; init; }

    /// <summary>Padded width W of <see cref="Images"/>.</summary>
    public int Width { get; init; }

    /// <summary>The batch's position in the loader's endless sequence: epoch × batches per epoch + batch in epoch.</summary>
    public long Number { get; }

    /// <summary>The epoch the batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>The batch's position within its epoch.</summary>
    public int BatchInEpoch { get; }

    /// <summary>Releases every tensor of the batch. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Images.Dispose();
        foreach (DetectionTargets t in Targets)
        {
            t.Dispose();
        }
    }
}
