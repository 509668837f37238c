namespace DynDet.Evaluation;

/// <summary>Settings of <see cref="VocEvaluator"/>.</summary>
public sealed record VocEvaluatorOptions
{
    /// <summary>The IoU a detection needs with a ground truth to match it (≥); default 0.5, range (0, 1].</summary>
    public double IouThreshold { get; init; } = 0.5;

    /// <summary>How AP is computed from the precision–recall curve; default <see cref="VocApMethod.Area"/>.</summary>
    public VocApMethod Method { get; init; } = VocApMethod.Area;

    /// <summary>
    /// Whether box sizes are <c>x2 − x1 + 1</c> (the original VOC devkit and py-faster-rcnn's voc_eval, and
    /// MMDetection's VOC dataset, which passes <c>use_legacy_coordinate=True</c>) rather than <c>x2 − x1</c>
    /// (MMDetection's <c>eval_map</c> default). Default false.
    /// </summary>
    public bool LegacyCoordinates { get; init; }
}
