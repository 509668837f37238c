using DynDet.Assignment;

namespace DynDet.Config;

/// <summary>MaxIoU assigner thresholds (SPEC §0.2).</summary>
public sealed record AssignerConfig
{
    /// <summary>IoU at or above which a box is positive (default 0.5; 0.7 in the RPN; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double PosIouThr { get; init; } = 0.5;

    /// <summary>IoU below which a box is negative (default 0.5; 0.3 in the RPN; in [0, 1], at most <see cref="PosIouThr"/>).</summary>
    [ConfigRange(0, 1)]
    public double NegIouThr { get; init; } = 0.5;

    /// <summary>Least IoU for a low-quality match (default 0.5; 0.3 in the RPN; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double MinPosIou { get; init; } = 0.5;

    /// <summary>Give every gt its best boxes even below <see cref="PosIouThr"/> (default false; true in the RPN).</summary>
    public bool MatchLowQuality { get; init; }

    /// <summary>The assigner options these settings describe.</summary>
    public MaxIouAssignerOptions ToOptions() => new()
    {
        PosIouThr = PosIouThr,
        NegIouThr = NegIouThr,
        MinPosIou = MinPosIou,
        MatchLowQuality = MatchLowQuality,
    };
}
