namespace DynDet.Evaluation;

/// <summary>
/// pycocotools' <c>accumulate</c> for one category, to the bit: detections of all images in descending score order
/// (ties: image order, then order inside the image — np.argsort(-scores, kind='mergesort') over the concatenation),
/// for each area range, detection limit and IoU threshold the cumulative true and false positives over the
/// non-ignored detections, recall <c>tp / npig</c>, precision <c>tp / (tp + fp + eps)</c> made monotone from the
/// right, then read at the 101 recall thresholds (first index with recall ≥ threshold; 0 past the end). Two
/// shortcuts give the same numbers with less work: ignored detections are skipped rather than carried with zero
/// increments (such an entry only repeats its predecessor), and precision is only kept at true positives (see
/// the comment in the loop).
/// </summary>
internal static class CocoCategoryAccumulator
{
    private static readonly double Eps = Math.Pow(2, -52); // np.spacing(1)

    /// <summary>
    /// Fills category <paramref name="k"/> of <paramref name="precision"/> [T, R, K, A, M] and
    /// <paramref name="recall"/> [T, K, A, M] (pre-filled with −1, left so where the category has no non-ignored
    /// ground truth in an area range).
    /// </summary>
    public static void Accumulate(CocoCategoryDetections dets, int k, int categoryCount, double[] precision, double[] recall)
    {
        var thresholds = CocoEvalParameters.RecallSpan;
        var maxDetections = CocoEvalParameters.MaxDetectionSpan;
        int t0 = CocoEvalParameters.IouSpan.Length;
        int r0 = thresholds.Length;
        int a0 = CocoEvalParameters.AreaSpan.Length;
        int m0 = maxDetections.Length;

        int n = dets.Count;
        var keys = new ScoreKey[n];
        var scores = dets.Scores;
        for (int i = 0; i < n; i++)
        {
            keys[i] = new ScoreKey(scores[i], i);
        }

        Array.Sort(keys);

        var ranks = dets.Ranks;
        var flags = dets.Flags;
        var sortedFlags = new int[n];
        var truePositivePrecision = new double[n];
        for (int m = 0; m < m0; m++)
        {
            int maxDet = maxDetections[m];
            for (int a = 0; a < a0; a++)
            {
                long npig = dets.NonIgnoredGts[a];
                if (npig == 0)
                {
                    continue;
                }

                int count = 0;
                for (int i = 0; i < n; i++)
                {
                    int index = keys[i].Index;
                    if (ranks[index] < maxDet)
                    {
                        sortedFlags[count++] = flags[(4 * index) + a];
                    }
                }

                for (int t = 0; t < t0; t++)
                {
                    int matchedBit = 1 << t;
                    int ignoredBit = 1 << (t + CocoCategoryDetections.IgnoredShift);
                    double tp = 0;
                    double fp = 0;
                    int tps = 0;
                    for (int i = 0; i < count; i++)
                    {
                        int f = sortedFlags[i];
                        if ((f & ignoredBit) != 0)
                        {
                            continue;
                        }

                        if ((f & matchedBit) != 0)
                        {
                            tp++;
                            truePositivePrecision[tps++] = tp / (fp + tp + Eps);
                        }
                        else
                        {
                            fp++;
                        }
                    }

                    // rc[-1] (or 0 without detections, which is tp / npig too).
                    recall[Index4(t, k, a, m, categoryCount)] = tp / npig;

                    // The envelope (suffix maximum) of precision, read at the first index whose recall reaches each
                    // threshold. Recall only grows at true positives, so for a threshold above 0 that index is the
                    // true positive that reaches it, and a false positive never exceeds the true positive before it:
                    // the suffix maximum over true positives alone is the same number.
                    for (int i = tps - 1; i > 0; i--)
                    {
                        if (truePositivePrecision[i] > truePositivePrecision[i - 1])
                        {
                            truePositivePrecision[i - 1] = truePositivePrecision[i];
                        }
                    }

                    int reached = 1;
                    for (int r = 0; r < r0; r++)
                    {
                        double threshold = thresholds[r];
                        double value;
                        if (threshold <= 0)
                        {
                            value = tps > 0 ? truePositivePrecision[0] : 0;
                        }
                        else
                        {
                            while (reached <= tps && reached / (double)npig < threshold)
                            {
                                reached++;
                            }

                            value = reached <= tps ? truePositivePrecision[reached - 1] : 0;
                        }

                        precision[Index5(t, r, k, a, m, categoryCount)] = value;
                    }
                }
            }
        }
    }

    /// <summary>The flat index of [t, r, k, a, m] in pycocotools' precision array (C order).</summary>
    public static int Index5(int t, int r, int k, int a, int m, int categoryCount) =>
        ((((((t * CocoEvalParameters.RecallSpan.Length) + r) * categoryCount) + k) * 4) + a) * 3 + m;

    /// <summary>The flat index of [t, k, a, m] in pycocotools' recall array (C order).</summary>
    public static int Index4(int t, int k, int a, int m, int categoryCount) =>
        ((((t * categoryCount) + k) * 4) + a) * 3 + m;

    /// <summary>Descending score, then ascending position: a stable order from any sort.</summary>
    private readonly record struct ScoreKey(double Score, int Index) : IComparable<ScoreKey>
    {
        public int CompareTo(ScoreKey other)
        {
            if (Score > other.Score)
            {
                return -1;
            }

            if (Score < other.Score)
            {
                return 1;
            }

            return Index.CompareTo(other.Index);
        }
    }
}
