using DynDet.Config;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// What a <see cref="FcosHead"/> is built with besides its layers: the conventions of the implementation it reproduces,
/// chosen by the detector factory from <c>model.style</c> (the head never sees the style).
/// </summary>
public sealed record FcosHeadOptions
{
    /// <summary>Test-time post-processing settings.</summary>
    public required DenseTestConfig Test { get; init; }

    /// <summary>
    /// Where the points lie: MMDetection's <c>(x·s + ⌊s/2⌋, y·s + ⌊s/2⌋)</c> with the configured strides (default), or
    /// torchvision's anchor centres <c>(x·sw, y·sh)</c> with strides <c>image size // map size</c> per axis.
    /// </summary>
    public AnchorStyle Points { get; init; } = AnchorStyle.MMDetection;

    /// <summary>Target rule (default MMDetection's).</summary>
    public FcosTargetRule Targets { get; init; } = FcosTargetRule.MMDetection;

    /// <summary>
    /// Weight each positive's box loss by its centerness target and divide by their sum (MMDetection, default), or
    /// leave it unweighted and divide by the number of positives (torchvision).
    /// </summary>
    public bool CenternessWeightedBoxLoss { get; init; } = true;

    /// <summary>
    /// Test-time candidates (default MMDetection's): <see cref="DenseCandidateRule.TopAnchors"/> keeps the
    /// <c>nms_pre</c> points of highest max(class score · centerness), thresholds the raw class score and scores
    /// detections class · centerness; <see cref="DenseCandidateRule.TopPairs"/> is torchvision's: (point, class) pairs
    /// whose <c>sqrt(class · centerness)</c> is above the threshold, the best <c>nms_pre</c> per level, that score kept.
    /// </summary>
    public DenseCandidateRule Candidates { get; init; } = DenseCandidateRule.TopAnchors;

    /// <summary>A learnable <c>Scale</c> per level on the box output (MMDetection: true, default; torchvision has none).</summary>
    public bool Scales { get; init; } = true;

    /// <summary>The GIoU loss's eps (default 1e-6, MMDetection's <c>GIoULoss</c>; torchvision's is 1e-7).</summary>
    public double GiouEps { get; init; } = Losses.GiouLoss.DefaultEps;
}
