using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// The RPN's two losses (in the graph), per anchor level and summed, and what they were computed over. Each level
/// value is already divided by the batch's average factor, so a term is the sum of its levels.
/// </summary>
/// <param name="Objectness">Binary cross-entropy of sampled anchors / average factor (0-d): the sum of <paramref name="ObjectnessLevels"/>.</param>
/// <param name="Box">Box loss of positive anchors / average factor (0-d): the sum of <paramref name="BoxLevels"/>.</param>
/// <param name="ObjectnessLevels">The objectness loss by the level of each sampled anchor (L = anchor levels, P2–P6: 5).</param>
/// <param name="BoxLevels">The box loss by the level of each positive anchor (L values).</param>
/// <param name="Positives">Positive anchors sampled over the batch.</param>
/// <param name="Negatives">Negative anchors sampled over the batch.</param>
public sealed record RpnLosses(Tensor Objectness, Tensor Box, Tensor ObjectnessLevels, Tensor BoxLevels, long Positives,
    long Negatives);
