namespace DynDet.Data.Coco;

/// <summary>One record of a COCO result file: a detected box of one category in one image.</summary>
/// <param name="ImageId">The image id (must be an image of the ground truth).</param>
/// <param name="CategoryId">The category id (must be a category of the ground truth).</param>
/// <param name="Box">The box, <c>[x, y, w, h]</c>; pycocotools' <c>loadRes</c> gives it area <c>w · h</c>.</param>
/// <param name="Score">The confidence; any finite number, higher is more confident.</param>
public readonly record struct CocoDetection(long ImageId, int CategoryId, CocoBox Box, double Score);
