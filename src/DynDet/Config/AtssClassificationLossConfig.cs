namespace DynDet.Config;

/// <summary>
/// The ATSS-family head's classification loss: ATSS's sigmoid focal loss, or a soft-target loss whose target is the
/// positive's predicted IoU (Dynamic ATSS, SPEC §7.2): GFL's QFL (SPEC §6.2) or VFNet's VFL (SPEC §6.4).
/// </summary>
public sealed record AtssClassificationLossConfig
{
    /// <summary><c>focal</c> (default), <c>qfl</c> or <c>vfl</c>.</summary>
    public ClassificationLossKind Type { get; init; } = ClassificationLossKind.Focal;

    /// <summary>
    /// Focal: the weight of positives (negatives get 1 − α); VFL: the weight of negatives; QFL: unused (default null:
    /// MMDetection's default of the type, 0.25 for focal, 0.75 for VFL, which is the DLA code's VFL 1 − 0.25; in [0, 1]).
    /// </summary>
    [ConfigRange(0, 1)]
    public double? Alpha { get; init; }

    /// <summary>Focusing exponent: focal's and VFL's γ, QFL's β (default 2.0; in [0, 10]).</summary>
    [ConfigRange(0, 10)]
    public double Gamma { get; init; } = 2.0;

    /// <summary>VFL only: whether positives are weighted by their target (default true, VFNet's <c>iou_weighted</c>).</summary>
    public bool IouWeighted { get; init; } = true;

    /// <summary>Multiplier of the loss (default 1.0; &gt;= 0).</summary>
    [ConfigRange(0)]
    public double Weight { get; init; } = 1.0;

    /// <summary>α in effect: <see cref="Alpha"/>, else the type's default.</summary>
    public double AlphaInEffect() => Alpha ?? (Type == ClassificationLossKind.Vfl ? 0.75 : 0.25);
}
