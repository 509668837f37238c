using DynDet.Data;
using DynDet.Data.Coco;
using DynDet.Models.RoIHeads;

namespace DynDet.Evaluation;

/// <summary>
/// Evaluates detections of any dataset (VOC, synthetic, COCO-built) with the COCO and VOC evaluators. Ground
/// truth is built from the dataset's records in original pixels; crowd and VOC-difficult objects are COCO
/// crowd regions (matched but not counted) and VOC difficult objects (ignored).
/// </summary>
public static class DatasetEvaluation
{
    /// <summary>COCO ground truth of <paramref name="dataset"/>: one image per record, its objects, its class names.</summary>
    public static CocoDataset GroundTruth(IDetectionDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var builder = new CocoDatasetBuilder(dataset.CategoryNames);
        for (int i = 0; i < dataset.Count; i++)
        {
            var record = dataset.GetRecord(i);
            builder.AddImage(record.ImageId, record.FilePath is null ? record.Name : Path.GetFileName(record.FilePath),
                record.Width, record.Height);
            foreach (var o in record.Objects)
            {
                builder.AddObject(record.ImageId, o.Label, CocoBox.FromCorners(o.X1, o.Y1, o.X2, o.Y2), o.IsIgnored);
            }
        }

        return builder.Build(dataset.Description);
    }

    /// <summary>
    /// The ground truth pycocotools would evaluate <paramref name="dataset"/> against: a COCO annotation file's own
    /// annotations (its <c>area</c> fields, crowd flags and <c>ignore</c>d boxes, exactly as <c>dyndet eval --gt</c>
    /// reads the file) for a <see cref="CocoDetectionDataset"/>, else <see cref="GroundTruth"/> built from the records.
    /// </summary>
    public static CocoDataset ReferenceGroundTruth(IDetectionDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset is CocoDetectionDataset coco ? coco.Annotations : GroundTruth(dataset);
    }

    /// <summary>COCO results (a result file's records) of per-image detections.</summary>
    public static CocoResults Results(CocoLabelMap labels, IEnumerable<ImageDetections> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var builder = new CocoResultsBuilder(labels);
        foreach (var d in detections)
        {
            builder.Add(d.ImageId, d.Boxes, d.Scores, d.Labels.Select(l => (int)l).ToArray());
        }

        return builder.Build();
    }

    /// <summary>
    /// Evaluates <paramref name="detections"/> (one entry per image of <paramref name="dataset"/>, by index): COCO
    /// numbers against <paramref name="groundTruth"/> (default <see cref="ReferenceGroundTruth"/>) and VOC mAP against
    /// the dataset's records. <paramref name="results"/> are the detections as COCO results when the caller already
    /// built them (e.g. to write a result file) with <see cref="Results"/> and the ground truth's labels.
    /// </summary>
    public static EvaluationReport Evaluate(IDetectionDataset dataset, IReadOnlyList<ImageDetections> detections,
        CocoDataset? groundTruth = null, CocoResults? results = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(detections);
        groundTruth ??= ReferenceGroundTruth(dataset);
        var coco = CocoEvaluator.Evaluate(groundTruth, results ?? Results(groundTruth.Labels, detections));
        var truth = new VocGroundTruth[dataset.Count];
        var found = new VocDetections[dataset.Count];
        for (int i = 0; i < dataset.Count; i++)
        {
            var objects = dataset.GetRecord(i).Objects;
            truth[i] = new VocGroundTruth(
                objects.SelectMany(o => new double[] { o.X1, o.Y1, o.X2, o.Y2 }).ToArray(),
                objects.Select(o => o.Label).ToArray(),
                objects.Select(o => o.IsIgnored).ToArray());
            var d = detections[i];
            found[i] = VocDetections.FromFloats(d.Boxes, d.Scores, d.Labels.Select(l => (int)l).ToArray());
        }

        int classes = dataset.CategoryNames.Count;
        var area = VocEvaluator.Evaluate(truth, found, classes, new VocEvaluatorOptions { Method = VocApMethod.Area });
        var elevenPoint = VocEvaluator.Evaluate(truth, found, classes, new VocEvaluatorOptions { Method = VocApMethod.ElevenPoint });
        return new EvaluationReport(coco, area, elevenPoint);
    }
}
