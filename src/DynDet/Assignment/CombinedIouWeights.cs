namespace DynDet.Assignment;

/// <summary>
/// How Dynamic ATSS weighs the two IoUs it combines (SPEC §7.2; the paper's Table 3): <c>cIoU = Predicted · pIoU +
/// Anchor · aIoU</c>, and the threshold per gt <c>Predicted · (mean + std)(pIoU) + Anchor · (mean + std)(aIoU)</c>
/// over the gt's candidates, which is the same rule applied to the weighted IoUs. The paper's default is 1 : 1
/// (<see cref="Sum"/>); its D_up puts <c>t/T</c> on the predicted IoUs, its D_down <c>1 − t/T</c> on the anchor IoUs.
/// </summary>
/// <param name="Predicted">Weight of the predicted IoUs, in [0, 1] for the paper's variants (≥ 0).</param>
/// <param name="Anchor">Weight of the anchor IoUs (≥ 0).</param>
public sealed record CombinedIouWeights(double Predicted, double Anchor)
{
    /// <summary>The paper's default: the plain sum (1 : 1).</summary>
    public static CombinedIouWeights Sum { get; } = new(1.0, 1.0);

    /// <summary>Whether both weights are 1 (no multiplication needed).</summary>
    public bool IsSum => Predicted == 1.0 && Anchor == 1.0;
}
