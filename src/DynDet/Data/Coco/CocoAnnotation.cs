namespace DynDet.Data.Coco;

/// <summary>An entry of a COCO file's <c>annotations</c> list: one ground-truth object (box only).</summary>
/// <param name="Id">The annotation id (unique in the file). Use ids ≥ 1: pycocotools treats a detection
/// matched to an annotation with id 0 as unmatched, and so does DynDet's evaluator, to report the same numbers.</param>
/// <param name="ImageId">The id of its image, one of the file's images.</param>
/// <param name="CategoryId">The id of its category, one of the file's categories.</param>
/// <param name="Box">Its <c>bbox</c>, <c>[x, y, w, h]</c>.</param>
/// <param name="Area">Its <c>area</c> (for a segmented object, the mask's area, not the box's). The COCO evaluator
/// uses it for the small/medium/large ranges, as pycocotools does; readers default it to <c>w · h</c> when absent.</param>
/// <param name="IsCrowd">Its <c>iscrowd</c> flag (default false): a crowd region, never a positive; the COCO
/// evaluator ignores detections that fall on it.</param>
/// <param name="Ignore">Its <c>ignore</c> flag (default false), used by some datasets to exclude an object from
/// training. pycocotools overwrites it with <c>iscrowd</c> before evaluating, so the COCO evaluator does not read it.</param>
public sealed record CocoAnnotation(
    long Id, long ImageId, int CategoryId, CocoBox Box, double Area, bool IsCrowd = false, bool Ignore = false);
