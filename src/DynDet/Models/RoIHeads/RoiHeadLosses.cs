using DynDet.Torch;

namespace DynDet.Models.RoIHeads;

/// <summary>The R-CNN head's losses (0-d tensors in the graph) and sample counts.</summary>
/// <param name="Classification">Softmax cross-entropy over C + 1 classes / sampled RoIs.</param>
/// <param name="Box">Box loss of positive RoIs (ground-truth class deltas) / sampled RoIs.</param>
/// <param name="Positives">Positive RoIs sampled over the batch.</param>
/// <param name="Sampled">RoIs sampled over the batch.</param>
public sealed record RoiHeadLosses(Tensor Classification, Tensor Box, long Positives, long Sampled);
