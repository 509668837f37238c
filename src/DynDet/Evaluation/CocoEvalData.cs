using DynDet.Data.Coco;

namespace DynDet.Evaluation;

/// <summary>
/// Ground truth and detections flattened into arrays and grouped by (category, image) for the COCO evaluator, as
/// pycocotools' <c>_prepare</c> groups them: images in ascending id order, categories in ascending id order,
/// records in file order inside each group. Detection <c>i</c> has id <c>i + 1</c> and area <c>w · h</c>
/// (<c>loadRes</c>).
/// </summary>
internal sealed class CocoEvalData
{
    private CocoEvalData(int images, int categories, int gts, int dts)
    {
        ImageCount = images;
        CategoryCount = categories;
        GtBoxes = new double[4 * gts];
        GtAreas = new double[gts];
        GtCrowd = new bool[gts];
        GtIds = new long[gts];
        DtBoxes = new double[4 * dts];
        DtScores = new double[dts];
        GtGroups = new long[gts];
        DtGroups = new long[dts];
        GtCategoryStarts = new int[categories + 1];
        DtCategoryStarts = new int[categories + 1];
    }

    public int ImageCount { get; }

    public int CategoryCount { get; }

    /// <summary>Ground-truth boxes, [x, y, w, h] per annotation in file order.</summary>
    public double[] GtBoxes { get; }

    /// <summary>Ground-truth <c>area</c> fields (used for the area ranges).</summary>
    public double[] GtAreas { get; }

    public bool[] GtCrowd { get; }

    public long[] GtIds { get; }

    /// <summary>Detection boxes, [x, y, w, h] per record in file order.</summary>
    public double[] DtBoxes { get; }

    public double[] DtScores { get; }

    /// <summary>Annotations sorted by (category, image rank, file index): <c>(k·I + rank) &lt;&lt; 32 | index</c>.</summary>
    public long[] GtGroups { get; }

    /// <summary>Detections sorted by (category, image rank, file index), encoded as <see cref="GtGroups"/>.</summary>
    public long[] DtGroups { get; }

    /// <summary>Where each category's annotations start in <see cref="GtGroups"/> (K + 1 entries).</summary>
    public int[] GtCategoryStarts { get; }

    /// <summary>Where each category's detections start in <see cref="DtGroups"/> (K + 1 entries).</summary>
    public int[] DtCategoryStarts { get; }

    /// <summary>The image rank (position in ascending image-id order) of a group key of category <paramref name="k"/>.</summary>
    public int RankOf(long key, int k) => (int)((key >> 32) - ((long)k * ImageCount));

    /// <summary>The record index of a group key.</summary>
    public static int IndexOf(long key) => (int)(key & 0xFFFF_FFFF);

    /// <summary>
    /// Flattens and groups; refuses detections whose image or category is not in the ground truth (pycocotools
    /// asserts the former and silently drops the latter; both are mistakes worth naming).
    /// </summary>
    public static CocoEvalData Create(CocoDataset gt, CocoResults dt)
    {
        int imageCount = gt.Images.Count;
        int categoryCount = gt.Labels.Count;
        if ((long)imageCount * Math.Max(1, categoryCount) >= int.MaxValue)
        {
            throw new InputException(
                $"{gt.Source}: {imageCount} images × {categoryCount} categories is more than the evaluator indexes");
        }

        var annotations = gt.Annotations;
        var detections = dt.AsSpan();
        var data = new CocoEvalData(imageCount, categoryCount, annotations.Count, detections.Length);

        // pycocotools evaluates images in ascending id order (sorted(getImgIds()), np.unique).
        var ids = new long[imageCount];
        for (int i = 0; i < imageCount; i++)
        {
            ids[i] = gt.Images[i].Id;
        }

        Array.Sort(ids);
        var rankOf = new Dictionary<long, int>(imageCount);
        for (int r = 0; r < imageCount; r++)
        {
            rankOf[ids[r]] = r;
        }

        for (int j = 0; j < annotations.Count; j++)
        {
            var a = annotations[j];
            int k = gt.Labels.LabelOf(a.CategoryId);
            data.GtGroups[j] = (((long)k * imageCount) + rankOf[a.ImageId]) << 32 | (uint)j;
            data.GtBoxes[4 * j] = a.Box.X;
            data.GtBoxes[(4 * j) + 1] = a.Box.Y;
            data.GtBoxes[(4 * j) + 2] = a.Box.Width;
            data.GtBoxes[(4 * j) + 3] = a.Box.Height;
            data.GtAreas[j] = a.Area;
            data.GtCrowd[j] = a.IsCrowd;
            data.GtIds[j] = a.Id;
        }

        for (int j = 0; j < detections.Length; j++)
        {
            ref readonly var d = ref detections[j];
            if (!rankOf.TryGetValue(d.ImageId, out int rank))
            {
                throw new InputException(
                    $"{dt.Source}: {CocoResults.RecordName(j)}: image_id {d.ImageId} is not an image of the ground truth ({gt.Source})");
            }

            if (!gt.Labels.TryGetLabel(d.CategoryId, out int k))
            {
                throw new InputException(
                    $"{dt.Source}: {CocoResults.RecordName(j)}: category_id {d.CategoryId} is not a category of the ground truth ({gt.Source})");
            }

            data.DtGroups[j] = (((long)k * imageCount) + rank) << 32 | (uint)j;
            data.DtBoxes[4 * j] = d.Box.X;
            data.DtBoxes[(4 * j) + 1] = d.Box.Y;
            data.DtBoxes[(4 * j) + 2] = d.Box.Width;
            data.DtBoxes[(4 * j) + 3] = d.Box.Height;
            data.DtScores[j] = d.Score;
        }

        Array.Sort(data.GtGroups);
        Array.Sort(data.DtGroups);
        FillCategoryStarts(data.GtGroups, data.GtCategoryStarts, imageCount);
        FillCategoryStarts(data.DtGroups, data.DtCategoryStarts, imageCount);
        return data;
    }

    private static void FillCategoryStarts(long[] groups, int[] starts, int imageCount)
    {
        int k = 0;
        for (int i = 0; i < groups.Length; i++)
        {
            int category = (int)((groups[i] >> 32) / imageCount);
            while (k <= category)
            {
                starts[k++] = i;
            }
        }

        while (k < starts.Length)
        {
            starts[k++] = groups.Length;
        }
    }
}
