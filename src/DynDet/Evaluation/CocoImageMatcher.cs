namespace DynDet.Evaluation;

/// <summary>
/// pycocotools' <c>computeIoU</c> + <c>evaluateImg</c> for one (image, category), for the four area ranges and ten
/// IoU thresholds, to the bit: detections sorted by score (stable), cut to 100; box IoU as <c>maskApi.c</c>'s
/// <c>bbIou</c> (crowd: intersection / detection area); per area range ground truths sorted with ignored ones last
/// (crowd or <c>area</c> outside the range); greedy matching in score order, each detection taking the unmatched
/// (or crowd) ground truth of highest IoU ≥ the threshold, later ties winning, stopping at ignored ground truths
/// once matched to a regular one; a detection is ignored when matched to an ignored ground truth, or unmatched
/// with <c>w · h</c> outside the range. A match to an annotation with id 0 counts as no match, as in pycocotools
/// (<c>dtm == 0</c>). One matcher per thread: it reuses its buffers.
/// </summary>
internal sealed class CocoImageMatcher
{
    private const int MaxDetections = 100;
    private const double MaxIouThreshold = 1 - 1e-10;

    private double[] _iou = new double[1024];
    private int[] _dtOrder = new int[256];
    private int[] _gtOrder = new int[64];
    private bool[] _gtIgnored = new bool[64];
    private bool[] _gtCrowdSorted = new bool[64];
    private bool[] _gtMatched = new bool[64];
    private bool[] _gtIgnoredByFile = new bool[64];
    private int[] _matches = new int[4 * 10 * 128];
    private double[] _maxIou = new double[128];
    private bool[] _dtOutside = new bool[128];

    /// <summary>
    /// Evaluates the annotations <paramref name="gtKeys"/> and detections <paramref name="dtKeys"/> (group keys of
    /// <see cref="CocoEvalData"/>, file order) of one image and category, appending the kept detections to
    /// <paramref name="output"/>.
    /// </summary>
    public void Match(CocoEvalData data, ReadOnlySpan<long> gtKeys, ReadOnlySpan<long> dtKeys, CocoCategoryDetections output)
    {
        int g = gtKeys.Length;
        int dAll = dtKeys.Length;
        EnsureCapacity(g, dAll);

        // Detections by descending score; equal scores keep file order (np.argsort(-scores, kind='mergesort')).
        var dtOrder = _dtOrder.AsSpan(0, dAll);
        for (int i = 0; i < dAll; i++)
        {
            dtOrder[i] = CocoEvalData.IndexOf(dtKeys[i]);
        }

        SortByScore(dtOrder, data.DtScores);
        int d = Math.Min(dAll, MaxDetections);
        output.Dropped += dAll - d;

        // IoU[det, gt] with gts in file order, as bbIou computes it.
        var iou = _iou.AsSpan(0, d * g);
        var maxIou = _maxIou.AsSpan(0, d);
        var gtBoxes = data.GtBoxes;
        var dtBoxes = data.DtBoxes;
        for (int di = 0; di < d; di++)
        {
            int dj = dtOrder[di];
            double dx = dtBoxes[4 * dj], dy = dtBoxes[(4 * dj) + 1], dw = dtBoxes[(4 * dj) + 2], dh = dtBoxes[(4 * dj) + 3];
            double da = dw * dh;
            double rowMax = 0;
            for (int gi = 0; gi < g; gi++)
            {
                int gj = CocoEvalData.IndexOf(gtKeys[gi]);
                double gx = gtBoxes[4 * gj], gy = gtBoxes[(4 * gj) + 1], gw = gtBoxes[(4 * gj) + 2], gh = gtBoxes[(4 * gj) + 3];
                double value = 0;
                double w = Math.Min(dw + dx, gw + gx) - Math.Max(dx, gx);
                if (w > 0)
                {
                    double h = Math.Min(dh + dy, gh + gy) - Math.Max(dy, gy);
                    if (h > 0)
                    {
                        double inter = w * h;
                        double union = data.GtCrowd[gj] ? da : da + (gw * gh) - inter;
                        value = inter / union;
                    }
                }

                iou[(di * g) + gi] = value;
                rowMax = Math.Max(rowMax, value);
            }

            maxIou[di] = rowMax;
        }

        int first = output.Count;
        for (int di = 0; di < d; di++)
        {
            output.Add(data.DtScores[dtOrder[di]], di);
        }

        var areaRanges = CocoEvalParameters.AreaSpan;
        int t0 = CocoEvalParameters.IouSpan.Length;
        var dtOutside = _dtOutside.AsSpan(0, d);
        var gtIgnored = _gtIgnoredByFile.AsSpan(0, g);
        Span<ulong> patterns = stackalloc ulong[4];
        for (int a = 0; a < areaRanges.Length; a++)
        {
            var (min, max) = areaRanges[a];

            // An unmatched detection is ignored when its own area (w · h) is outside the range.
            for (int di = 0; di < d; di++)
            {
                int dj = dtOrder[di];
                double area = dtBoxes[(4 * dj) + 2] * dtBoxes[(4 * dj) + 3];
                dtOutside[di] = area < min || area > max;
            }

            if (g == 0)
            {
                for (int di = 0; di < d; di++)
                {
                    if (dtOutside[di])
                    {
                        output.SetFlags(first + di, a, 0x3FF << CocoCategoryDetections.IgnoredShift);
                    }
                }

                continue;
            }

            // A ground truth is ignored in this range when it is a crowd or its area field is outside the range.
            ulong pattern = 0;
            int regular = 0;
            for (int gi = 0; gi < g; gi++)
            {
                int gj = CocoEvalData.IndexOf(gtKeys[gi]);
                double area = data.GtAreas[gj];
                bool ignored = data.GtCrowd[gj] || area < min || area > max;
                gtIgnored[gi] = ignored;
                regular += ignored ? 0 : 1;
                pattern |= ignored && gi < 64 ? 1UL << gi : 0;
            }

            output.NonIgnoredGts[a] += regular;

            // The matching depends on the range only through which ground truths are ignored: reuse an earlier
            // range's when the same ones are (often: one object is in exactly one of small/medium/large).
            patterns[a] = pattern;
            int source = a;
            if (g <= 64)
            {
                for (int earlier = 0; earlier < a; earlier++)
                {
                    if (patterns[earlier] == pattern)
                    {
                        source = earlier;
                        break;
                    }
                }
            }

            var matches = _matches.AsSpan(source * t0 * d, t0 * d);
            if (source == a)
            {
                MatchRange(data, gtKeys, d, iou, maxIou, matches);
            }

            for (int t = 0; t < t0; t++)
            {
                int matchedBit = 1 << t;
                int ignoredBit = 1 << (t + CocoCategoryDetections.IgnoredShift);
                var row = matches.Slice(t * d, d);
                for (int di = 0; di < d; di++)
                {
                    int gi = row[di];
                    bool matched = gi >= 0 && data.GtIds[CocoEvalData.IndexOf(gtKeys[gi])] != 0;
                    bool ignored = (gi >= 0 && gtIgnored[gi]) || (!matched && dtOutside[di]);
                    output.SetFlags(first + di, a, (matched ? matchedBit : 0) | (ignored ? ignoredBit : 0));
                }
            }
        }
    }

    /// <summary>
    /// The greedy matching of one area range at every IoU threshold, with <c>_gtIgnoredByFile</c> set for the range:
    /// fills <paramref name="matches"/>[t · d + di] with the matched ground truth (position in file order) or −1.
    /// </summary>
    private void MatchRange(
        CocoEvalData data, ReadOnlySpan<long> gtKeys, int d, ReadOnlySpan<double> iou, ReadOnlySpan<double> maxIou,
        Span<int> matches)
    {
        int g = gtKeys.Length;
        var thresholds = CocoEvalParameters.IouSpan;
        var gtIgnoredByFile = _gtIgnoredByFile.AsSpan(0, g);
        var gtOrder = _gtOrder.AsSpan(0, g);
        var gtIgnored = _gtIgnored.AsSpan(0, g);
        var gtCrowd = _gtCrowdSorted.AsSpan(0, g);
        var gtMatched = _gtMatched.AsSpan(0, g);

        // Ground truths with ignored ones last, each part in file order (stable argsort of _ignore).
        int n = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int gi = 0; gi < g; gi++)
            {
                if (gtIgnoredByFile[gi] == (pass == 1))
                {
                    gtOrder[n] = gi;
                    gtIgnored[n] = gtIgnoredByFile[gi];
                    gtCrowd[n] = data.GtCrowd[CocoEvalData.IndexOf(gtKeys[gi])];
                    n++;
                }
            }
        }

        for (int t = 0; t < thresholds.Length; t++)
        {
            gtMatched.Clear();
            var row = matches.Slice(t * d, d);
            for (int di = 0; di < d; di++)
            {
                double best = Math.Min(thresholds[t], MaxIouThreshold);
                if (maxIou[di] < best)
                {
                    row[di] = -1; // no ground truth reaches the threshold: unmatched, whatever else
                    continue;
                }

                int m = -1;
                int offset = di * g;
                for (int gi = 0; gi < g; gi++)
                {
                    if (gtMatched[gi] && !gtCrowd[gi])
                    {
                        continue;
                    }

                    if (m > -1 && !gtIgnored[m] && gtIgnored[gi])
                    {
                        break;
                    }

                    double value = iou[offset + gtOrder[gi]];
                    if (value < best)
                    {
                        continue;
                    }

                    best = value;
                    m = gi;
                }

                if (m > -1)
                {
                    gtMatched[m] = true;
                    row[di] = gtOrder[m];
                }
                else
                {
                    row[di] = -1;
                }
            }
        }
    }

    /// <summary>Sorts record indices by descending score, equal scores by ascending index (a stable order).</summary>
    private static void SortByScore(Span<int> order, double[] scores)
    {
        if (order.Length <= 32)
        {
            for (int i = 1; i < order.Length; i++)
            {
                int item = order[i];
                double score = scores[item];
                int j = i - 1;
                while (j >= 0 && scores[order[j]] < score)
                {
                    order[j + 1] = order[j];
                    j--;
                }

                order[j + 1] = item;
            }

            return;
        }

        order.Sort((x, y) =>
        {
            int byScore = scores[y].CompareTo(scores[x]);
            return byScore != 0 ? byScore : x.CompareTo(y);
        });
    }

    private void EnsureCapacity(int g, int d)
    {
        if (_dtOrder.Length < d)
        {
            _dtOrder = new int[Math.Max(d, 2 * _dtOrder.Length)];
        }

        int kept = Math.Min(d, MaxDetections);
        if (_maxIou.Length < kept)
        {
            _maxIou = new double[Math.Max(kept, 2 * _maxIou.Length)];
            _dtOutside = new bool[_maxIou.Length];
            _matches = new int[4 * CocoEvalParameters.IouSpan.Length * _maxIou.Length];
        }

        if (_gtOrder.Length < g)
        {
            int size = Math.Max(g, 2 * _gtOrder.Length);
            _gtOrder = new int[size];
            _gtIgnored = new bool[size];
            _gtCrowdSorted = new bool[size];
            _gtMatched = new bool[size];
            _gtIgnoredByFile = new bool[size];
        }

        if (_iou.Length < kept * g)
        {
            _iou = new double[Math.Max(kept * g, 2 * _iou.Length)];
        }
    }
}
