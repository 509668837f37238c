namespace DynDet.Evaluation;

/// <summary>A model's numbers on a dataset: COCO's (always) and VOC's mAP@0.5 (both methods).</summary>
/// <param name="Coco">The pycocotools numbers, AP60–AP90 and per-class AP.</param>
/// <param name="VocArea">VOC mAP@0.5, area method ("all points"), difficult objects ignored.</param>
/// <param name="Voc11Point">VOC mAP@0.5, VOC07 11-point method.</param>
public sealed record EvaluationReport(CocoEvaluation Coco, VocEvaluation VocArea, VocEvaluation Voc11Point);
