using DynDet.Data;
using DynDet.Models.RoIHeads;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// The head of a one-stage detector (RetinaNet, FCOS, ATSS): dense predictions on every pyramid level, their loss
/// terms per level, and detections. <see cref="Detectors.SingleStageDetector"/> runs it on the neck's levels.
/// </summary>
public abstract class DenseHead : Module
{
    /// <summary>
    /// Loss terms of a training batch by MMDetection's names (<c>loss_cls</c>, <c>loss_bbox</c>, …), each a 1-d tensor of
    /// one value per pyramid level, already divided by the head's global normaliser (the sum over levels is the loss).
    /// Statistics for dynamic strategies go into <paramref name="context"/>.
    /// </summary>
    public abstract IReadOnlyDictionary<string, Tensor> Loss(Tensor[] features, DetectionBatch batch, StepContext context);

    /// <summary>Detections of every image of the batch in original-image pixels (call without gradients).</summary>
    public abstract IReadOnlyList<ImageDetections> Predict(Tensor[] features, DetectionBatch batch);
}
