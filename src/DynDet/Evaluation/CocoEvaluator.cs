using DynDet.Data.Coco;

namespace DynDet.Evaluation;

/// <summary>
/// COCO box evaluation with the numbers of pycocotools' <c>COCO.loadRes</c> + <c>COCOeval(gt, dt, 'bbox')</c>
/// (<c>evaluate</c>, <c>accumulate</c>, <c>summarize</c>), computed the same way to the bit, plus AP at single IoU
/// thresholds and per category. Images and categories are those of the ground truth.
/// </summary>
/// <remarks>
/// Where DynDet is stricter than pycocotools: a detection whose image is not in the ground truth (pycocotools
/// asserts) or whose category is not (pycocotools silently drops it) is an <see cref="InputException"/> naming the
/// record. Where it is more lenient: an empty result list evaluates (every AP is 0, or −1 without ground truth)
/// where pycocotools fails. The ground truth's <c>ignore</c> field is not read, as pycocotools overwrites it with
/// <c>iscrowd</c>. Work is spread over categories on all cores.
/// </remarks>
public static class CocoEvaluator
{
    /// <summary>Evaluates <paramref name="detections"/> against <paramref name="groundTruth"/>.</summary>
    /// <exception cref="InputException">A detection's image or category is not in the ground truth.</exception>
    public static CocoEvaluation Evaluate(CocoDataset groundTruth, CocoResults detections)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        var data = CocoEvalData.Create(groundTruth, detections);
        int k0 = data.CategoryCount;
        int t0 = CocoEvalParameters.IouSpan.Length;
        int r0 = CocoEvalParameters.RecallSpan.Length;
        int a0 = CocoEvalParameters.AreaSpan.Length;
        int m0 = CocoEvalParameters.MaxDetectionSpan.Length;
        var precision = new double[t0 * r0 * k0 * a0 * m0];
        var recall = new double[t0 * k0 * a0 * m0];
        Array.Fill(precision, -1.0);
        Array.Fill(recall, -1.0);
        long dropped = 0;

        Parallel.For(
            0,
            k0,
            () => new CocoImageMatcher(),
            (k, _, matcher) =>
            {
                var dets = EvaluateCategory(data, k, matcher);
                CocoCategoryAccumulator.Accumulate(dets, k, k0, precision, recall);
                Interlocked.Add(ref dropped, dets.Dropped);
                return matcher;
            },
            _ => { });

        var categories = new CocoCategory[k0];
        for (int k = 0; k < k0; k++)
        {
            categories[k] = groundTruth.CategoryOfLabel(k);
        }

        return new CocoEvaluation(precision, recall, categories, dropped);
    }

    /// <summary>Runs the matcher on every image that has annotations or detections of category <paramref name="k"/>.</summary>
    private static CocoCategoryDetections EvaluateCategory(CocoEvalData data, int k, CocoImageMatcher matcher)
    {
        int gi = data.GtCategoryStarts[k];
        int gEnd = data.GtCategoryStarts[k + 1];
        int di = data.DtCategoryStarts[k];
        int dEnd = data.DtCategoryStarts[k + 1];
        var dets = new CocoCategoryDetections(dEnd - di);
        var gtGroups = data.GtGroups;
        var dtGroups = data.DtGroups;
        while (gi < gEnd || di < dEnd)
        {
            int rank = Math.Min(
                gi < gEnd ? data.RankOf(gtGroups[gi], k) : int.MaxValue,
                di < dEnd ? data.RankOf(dtGroups[di], k) : int.MaxValue);
            int gNext = gi;
            while (gNext < gEnd && data.RankOf(gtGroups[gNext], k) == rank)
            {
                gNext++;
            }

            int dNext = di;
            while (dNext < dEnd && data.RankOf(dtGroups[dNext], k) == rank)
            {
                dNext++;
            }

            matcher.Match(data, gtGroups.AsSpan(gi, gNext - gi), dtGroups.AsSpan(di, dNext - di), dets);
            gi = gNext;
            di = dNext;
        }

        return dets;
    }
}
