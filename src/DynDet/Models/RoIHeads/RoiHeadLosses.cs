using DynDet.Torch;

namespace DynDet.Models.RoIHeads;

/// <summary>
/// The R-CNN head's losses (in the graph), per RoI level and summed, and sample counts. Each level value is
/// already divided by the number of sampled RoIs, so a term is the sum of its levels.
/// </summary>
/// <param name="Classification">Softmax cross-entropy over C + 1 classes / sampled RoIs (0-d): the sum of <paramref name="ClassificationLevels"/>.</param>
/// <param name="Box">Box loss of positive RoIs (ground-truth class deltas) / sampled RoIs (0-d): the sum of <paramref name="BoxLevels"/>.</param>
/// <param name="ClassificationLevels">The classification loss by the level each sampled RoI was pooled from (L = 4: P2–P5).</param>
/// <param name="BoxLevels">The box loss by the level each positive RoI was pooled from (L values).</param>
/// <param name="Positives">Positive RoIs sampled over the batch.</param>
/// <param name="Sampled">RoIs sampled over the batch.</param>
public sealed record RoiHeadLosses(Tensor Classification, Tensor Box, Tensor ClassificationLevels, Tensor BoxLevels,
    long Positives, long Sampled);
