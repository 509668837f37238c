namespace DynDet.Data.Coco;

/// <summary>
/// Turns any <see cref="IDetectionDataset"/> (VOC, synthetic, COCO) into COCO ground truth: in memory, for the
/// COCO evaluator, or as an annotation file pycocotools reads. Images keep their ids, sizes and (given) file names;
/// categories keep the dataset's <see cref="IDetectionDataset.CategoryIds"/> and names; each object becomes an
/// annotation (ids 1, 2, … in dataset order) with <c>bbox</c> [x1, y1, x2 − x1, y2 − y1] and <c>area</c> = box area.
/// Crowd objects keep <c>iscrowd</c> 1; Pascal VOC's difficult objects are written as crowd regions with
/// <c>ignore</c> 1, so COCO evaluation ignores them as VOC evaluation ignores difficult objects.
/// </summary>
public static class CocoExport
{
    /// <summary>The dataset's annotations as a validated <see cref="CocoDataset"/>.</summary>
    /// <param name="dataset">The dataset (no pixels are read).</param>
    /// <param name="fileName">The <c>file_name</c> of image k; default the record's file name for file-backed
    /// images, none for in-memory ones.</param>
    /// <param name="supercategory">The <c>supercategory</c> of every category; default none.</param>
    public static CocoDataset ToCocoDataset(IDetectionDataset dataset, Func<int, string?>? fileName = null,
        string? supercategory = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var categories = new CocoCategory[dataset.CategoryNames.Count];
        for (int k = 0; k < categories.Length; k++)
        {
            categories[k] = new CocoCategory(checked((int)dataset.CategoryIds[k]), dataset.CategoryNames[k], supercategory);
        }

        var images = new List<CocoImage>(dataset.Count);
        var annotations = new List<CocoAnnotation>();
        for (int i = 0; i < dataset.Count; i++)
        {
            DetectionRecord r = dataset.GetRecord(i);
            string? name = fileName is not null ? fileName(i) : r.FilePath is null ? null : Path.GetFileName(r.FilePath);
            images.Add(new CocoImage(r.ImageId, name, r.Width, r.Height));
            foreach (BoxAnnotation o in r.Objects)
            {
                var box = new CocoBox(o.X1, o.Y1, o.X2 - o.X1, o.Y2 - o.Y1);
                annotations.Add(new CocoAnnotation(annotations.Count + 1, r.ImageId, categories[o.Label].Id, box, box.Area,
                    IsCrowd: o.IsIgnored, Ignore: o.IsDifficult));
            }
        }

        return CocoDataset.Create(images, annotations, categories, dataset.Description);
    }

    /// <summary>Writes the dataset's annotations as a COCO annotation file (atomically).</summary>
    public static void Write(IDetectionDataset dataset, string path, Func<int, string?>? fileName = null,
        string? supercategory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        CocoJsonWriter.WriteDataset(ToCocoDataset(dataset, fileName, supercategory), path);
    }
}
