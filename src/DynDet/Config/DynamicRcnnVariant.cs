namespace DynDet.Config;

/// <summary>Which implementation of Dynamic R-CNN's statistics to follow (SPEC §1.2 vs §1.3).</summary>
public enum DynamicRcnnVariant
{
    /// <summary>MMDetection's (default): start at 0.5, per-image K_I-th IoU averaged, β from sampled positives.</summary>
    Mmdet,

    /// <summary>The authors' original repository: 0.4 from iteration 0, batch-level statistics.</summary>
    Original,
}
