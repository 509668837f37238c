using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>The RPN's two losses (0-d tensors in the graph) and what they were computed over.</summary>
/// <param name="Objectness">Binary cross-entropy of sampled anchors / average factor.</param>
/// <param name="Box">Box loss of positive anchors / average factor.</param>
/// <param name="Positives">Positive anchors sampled over the batch.</param>
/// <param name="Negatives">Negative anchors sampled over the batch.</param>
public sealed record RpnLosses(Tensor Objectness, Tensor Box, long Positives, long Negatives);
