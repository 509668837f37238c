namespace DynDet.Evaluation;

/// <summary>
/// PASCAL VOC mAP: MMDetection v2's <c>eval_map</c> (with <c>tpfp_default</c>, no scale ranges), which is
/// py-faster-rcnn's <c>voc_eval.py</c> per class: in each image a detection, in descending score order, takes the
/// ground truth of highest IoU (difficult ones included); at IoU ≥ the threshold it is a true positive if that
/// object is not difficult and not yet taken, a false positive if taken, and neither if difficult; otherwise a
/// false positive. Detections of all images are then ranked by score for the precision–recall curve
/// (recall = TP / non-difficult objects), and AP is the area under its envelope or the 11-point mean. The mAP
/// averages the classes that have non-difficult objects.
/// </summary>
/// <remarks>
/// Differences from MMDetection, all below 1e-6 on real data: DynDet computes in double where MMDetection casts boxes
/// and APs to float32, and it breaks score ties by image order then input order (MMDetection's <c>np.argsort</c>
/// quicksort leaves tied order unspecified). py-faster-rcnn's original voc_eval counts an IoU of exactly the
/// threshold as a miss (<c>&gt;</c>); MMDetection and DynDet count it as a match (<c>≥</c>). Box sizes are
/// <c>x2 − x1</c> unless <see cref="VocEvaluatorOptions.LegacyCoordinates"/> asks for the VOC devkit's
/// <c>x2 − x1 + 1</c> (what MMDetection's VOC dataset uses).
/// </remarks>
public static class VocEvaluator
{
    private static readonly double Float32Eps = Math.Pow(2, -23); // np.finfo(np.float32).eps

    /// <summary>Evaluates <paramref name="detections"/> against <paramref name="groundTruth"/>, image by image.</summary>
    /// <param name="groundTruth">The objects of each image.</param>
    /// <param name="detections">The detections of each image, in the same order.</param>
    /// <param name="classCount">The number of classes C (labels 0..C−1).</param>
    /// <param name="options">Settings; default IoU 0.5, area method, no "+1".</param>
    /// <exception cref="ArgumentException">The lists differ in length, or a label is outside 0..C−1.</exception>
    public static VocEvaluation Evaluate(
        IReadOnlyList<VocGroundTruth> groundTruth, IReadOnlyList<VocDetections> detections, int classCount,
        VocEvaluatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        options ??= new VocEvaluatorOptions();
        if (groundTruth.Count != detections.Count)
        {
            throw new ArgumentException(
                $"{groundTruth.Count} images of ground truth but {detections.Count} of detections", nameof(detections));
        }

        CheckLabels(groundTruth, detections, classCount);
        var results = new VocClassResult[classCount];
        Parallel.For(0, classCount, c => results[c] = EvaluateClass(groundTruth, detections, c, options));

        var aps = new List<double>(classCount);
        foreach (var r in results)
        {
            if (r.GroundTruths > 0)
            {
                aps.Add(r.AP);
            }
        }

        double meanAp = aps.Count > 0 ? NumpySum.Mean(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(aps)) : 0;
        return new VocEvaluation(meanAp, results, options);
    }

    private static VocClassResult EvaluateClass(
        IReadOnlyList<VocGroundTruth> groundTruth, IReadOnlyList<VocDetections> detections, int c, VocEvaluatorOptions options)
    {
        double extra = options.LegacyCoordinates ? 1 : 0;
        var scored = new List<(double Score, int Order, bool TruePositive, bool FalsePositive)>();
        var gts = new List<int>();
        var dets = new List<int>();
        int numGts = 0;
        for (int image = 0; image < groundTruth.Count; image++)
        {
            var gt = groundTruth[image];
            var dt = detections[image];

            // This class's objects: regular ones first, then difficult ones (as eval_map stacks them).
            gts.Clear();
            for (int pass = 0; pass < 2; pass++)
            {
                for (int j = 0; j < gt.Count; j++)
                {
                    if (gt.LabelArray[j] == c && gt.DifficultArray[j] == (pass == 1))
                    {
                        gts.Add(j);
                    }
                }
            }

            int regular = 0;
            foreach (int j in gts)
            {
                regular += gt.DifficultArray[j] ? 0 : 1;
            }

            numGts += regular;
            dets.Clear();
            for (int i = 0; i < dt.Count; i++)
            {
                if (dt.LabelArray[i] == c)
                {
                    dets.Add(i);
                }
            }

            var (tp, fp) = MatchImage(gt, dt, gts, dets, regular, options.IouThreshold, extra);
            for (int n = 0; n < dets.Count; n++)
            {
                scored.Add((dt.ScoreArray[dets[n]], scored.Count, tp[n], fp[n]));
            }
        }

        // All images' detections by descending score; ties keep image order, then input order.
        scored.Sort((x, y) => x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Order.CompareTo(y.Order));
        int count = scored.Count;
        var recalls = new double[count];
        var precisions = new double[count];
        double tpSum = 0;
        double fpSum = 0;
        for (int i = 0; i < count; i++)
        {
            tpSum += scored[i].TruePositive ? 1 : 0;
            fpSum += scored[i].FalsePositive ? 1 : 0;
            recalls[i] = tpSum / Math.Max(numGts, Float32Eps);
            precisions[i] = tpSum / Math.Max(tpSum + fpSum, Float32Eps);
        }

        double ap = numGts == 0 ? -1
            : options.Method == VocApMethod.Area ? AreaAp(recalls, precisions) : ElevenPointAp(recalls, precisions);
        return new VocClassResult(c, numGts, count, count > 0 ? recalls[^1] : 0, ap);
    }

    /// <summary>tpfp_default for one image and class: per detection (in <paramref name="dets"/> order) TP / FP flags.</summary>
    private static (bool[] Tp, bool[] Fp) MatchImage(
        VocGroundTruth gt, VocDetections dt, List<int> gts, List<int> dets, int regular, double threshold, double extra)
    {
        var tp = new bool[dets.Count];
        var fp = new bool[dets.Count];
        if (gts.Count == 0)
        {
            Array.Fill(fp, true);
            return (tp, fp);
        }

        var best = new int[dets.Count];
        var bestIou = new double[dets.Count];
        for (int n = 0; n < dets.Count; n++)
        {
            int i = dets[n];
            double dx1 = dt.BoxArray[4 * i], dy1 = dt.BoxArray[(4 * i) + 1], dx2 = dt.BoxArray[(4 * i) + 2], dy2 = dt.BoxArray[(4 * i) + 3];
            double dArea = (dx2 - dx1 + extra) * (dy2 - dy1 + extra);
            best[n] = 0;
            bestIou[n] = double.NegativeInfinity;
            for (int m = 0; m < gts.Count; m++)
            {
                int j = gts[m];
                double gx1 = gt.BoxArray[4 * j], gy1 = gt.BoxArray[(4 * j) + 1], gx2 = gt.BoxArray[(4 * j) + 2], gy2 = gt.BoxArray[(4 * j) + 3];
                double gArea = (gx2 - gx1 + extra) * (gy2 - gy1 + extra);
                double overlap = Math.Max(Math.Min(dx2, gx2) - Math.Max(dx1, gx1) + extra, 0)
                    * Math.Max(Math.Min(dy2, gy2) - Math.Max(dy1, gy1) + extra, 0);
                double union = Math.Max(dArea + gArea - overlap, 1e-6);
                double iou = overlap / union;
                if (iou > bestIou[n])
                {
                    bestIou[n] = iou;
                    best[n] = m;
                }
            }
        }

        // In descending score order (stable), each detection takes its best object.
        var order = new int[dets.Count];
        for (int n = 0; n < order.Length; n++)
        {
            order[n] = n;
        }

        var scores = dt.ScoreArray;
        Array.Sort(order, (x, y) =>
        {
            double sx = scores[dets[x]], sy = scores[dets[y]];
            return sx != sy ? sy.CompareTo(sx) : x.CompareTo(y);
        });
        var covered = new bool[gts.Count];
        foreach (int n in order)
        {
            if (bestIou[n] >= threshold)
            {
                int m = best[n];
                if (m < regular)
                {
                    if (!covered[m])
                    {
                        covered[m] = true;
                        tp[n] = true;
                    }
                    else
                    {
                        fp[n] = true;
                    }
                }

                // A difficult object: neither true nor false positive.
            }
            else
            {
                fp[n] = true;
            }
        }

        return (tp, fp);
    }

    private static double AreaAp(double[] recalls, double[] precisions)
    {
        int n = recalls.Length;
        var mrec = new double[n + 2];
        var mpre = new double[n + 2];
        recalls.CopyTo(mrec, 1);
        precisions.CopyTo(mpre, 1);
        mrec[n + 1] = 1;
        for (int i = n + 1; i > 0; i--)
        {
            mpre[i - 1] = Math.Max(mpre[i - 1], mpre[i]);
        }

        var terms = new List<double>(n + 1);
        for (int i = 0; i <= n; i++)
        {
            if (mrec[i + 1] != mrec[i])
            {
                terms.Add((mrec[i + 1] - mrec[i]) * mpre[i + 1]);
            }
        }

        return NumpySum.Sum(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(terms));
    }

    private static double ElevenPointAp(double[] recalls, double[] precisions)
    {
        double ap = 0;
        for (int k = 0; k <= 10; k++)
        {
            double threshold = k * 0.1; // np.arange(0, 1 + 1e-3, 0.1)
            double best = 0;
            for (int i = 0; i < recalls.Length; i++)
            {
                if (recalls[i] >= threshold && precisions[i] > best)
                {
                    best = precisions[i];
                }
            }

            ap += best;
        }

        return ap / 11;
    }

    private static void CheckLabels(IReadOnlyList<VocGroundTruth> groundTruth, IReadOnlyList<VocDetections> detections, int classCount)
    {
        for (int image = 0; image < groundTruth.Count; image++)
        {
            foreach (int label in groundTruth[image].LabelArray)
            {
                if ((uint)label >= (uint)classCount)
                {
                    throw new ArgumentException($"image {image}: ground-truth label {label} is outside 0..{classCount - 1}");
                }
            }

            foreach (int label in detections[image].LabelArray)
            {
                if ((uint)label >= (uint)classCount)
                {
                    throw new ArgumentException($"image {image}: detection label {label} is outside 0..{classCount - 1}");
                }
            }
        }
    }
}
