namespace DynDet.Config;

/// <summary>
/// How Dynamic ATSS weighs the predicted and the anchor IoUs it combines (SPEC §7.2; the paper's Table 3), with
/// t the iterations done before the step and T the run's iterations.
/// </summary>
public enum CombinedIouBalance
{
    /// <summary><c>pIoU + aIoU</c>, 1 : 1 (the paper's choice and the default).</summary>
    Sum,

    /// <summary>D_up: <c>(t/T)·pIoU + aIoU</c> (the predictions take over gradually).</summary>
    DUp,

    /// <summary>D_down: <c>pIoU + (1 − t/T)·aIoU</c> (the anchors fade out; the paper: clearly worse).</summary>
    DDown,

    /// <summary>Both: <c>(t/T)·pIoU + (1 − t/T)·aIoU</c> (the paper's last row of Table 3).</summary>
    DUpDown,
}
