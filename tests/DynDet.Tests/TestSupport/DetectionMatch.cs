using DynDet.Models.RoIHeads;
using DynDet.Torch;

namespace DynDet.TestSupport;

/// <summary>
/// Detections of another implementation (torchvision's, from a fixture pack) matched one to one with DynDet's: each
/// expected detection, best score first, takes the unmatched DynDet detection of the same label whose box is closest
/// (largest coordinate difference), so that two detections of near-equal score listed in the other order still pair.
/// </summary>
/// <param name="Expected">How many detections the reference has.</param>
/// <param name="Actual">How many DynDet has.</param>
/// <param name="Unmatched">Reference detections with no DynDet detection of their label left.</param>
/// <param name="MaxBoxDifference">The largest |coordinate difference| over matched pairs, in pixels.</param>
/// <param name="MaxScoreDifference">The largest |score difference| over matched pairs.</param>
public sealed record DetectionMatch(int Expected, int Actual, int Unmatched, double MaxBoxDifference, double MaxScoreDifference)
{
    /// <summary>Matches DynDet's <paramref name="actual"/> to the reference's boxes (N, 4), scores (N) and labels (N).</summary>
    /// <param name="labelOffset">Subtracted from the reference's labels (1 for torchvision's Faster R-CNN, whose label 0 is the background).</param>
    public static DetectionMatch Of(Tensor boxes, Tensor scores, Tensor labels, ImageDetections actual, long labelOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(actual);
        float[] eb = boxes.ToArray<float>(), es = scores.ToArray<float>();
        long[] el = labels.ToArray<long>();
        var used = new bool[actual.Count];
        int unmatched = 0;
        double maxBox = 0, maxScore = 0;
        string worstBox = "";
        for (int i = 0; i < es.Length; i++)
        {
            int best = -1;
            double bestDistance = double.PositiveInfinity;
            for (int j = 0; j < actual.Count; j++)
            {
                if (used[j] || actual.Labels[j] != el[i] - labelOffset)
                {
                    continue;
                }

                double distance = 0;
                for (int k = 0; k < 4; k++)
                {
                    distance = Math.Max(distance, Math.Abs(actual.Boxes[4 * j + k] - eb[4 * i + k]));
                }

                if (distance < bestDistance)
                {
                    (best, bestDistance) = (j, distance);
                }
            }

            if (best < 0)
            {
                unmatched++;
                continue;
            }

            used[best] = true;
            if (bestDistance > maxBox)
            {
                worstBox = $"[{string.Join(", ", eb.Skip(4 * i).Take(4))}] vs [{string.Join(", ", actual.Boxes.Skip(4 * best).Take(4))}]";
            }

            maxBox = Math.Max(maxBox, bestDistance);
            maxScore = Math.Max(maxScore, Math.Abs(actual.Scores[best] - es[i]));
        }

        return new DetectionMatch(es.Length, actual.Count, unmatched, maxBox, maxScore) { WorstBox = worstBox };
    }

    /// <summary>The reference's and DynDet's box of the pair with the largest coordinate difference.</summary>
    public string WorstBox { get; init; } = "";

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"{Actual} detections vs {Expected} expected, {Unmatched} unmatched, max |box diff| {MaxBoxDifference:G3} px, max |score diff| {MaxScoreDifference:G3} (worst box {WorstBox})");
}
