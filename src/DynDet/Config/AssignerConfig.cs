using DynDet.Assignment;

namespace DynDet.Config;

/// <summary>MaxIoU assigner thresholds (SPEC §0.2).</summary>
public sealed record AssignerConfig
{
    /// <summary>IoU at or above which a box is positive.</summary>
    public double PosIouThr { get; init; } = 0.5;

    /// <summary>IoU below which a box is negative.</summary>
    public double NegIouThr { get; init; } = 0.5;

    /// <summary>Least IoU for a low-quality match.</summary>
    public double MinPosIou { get; init; } = 0.5;

    /// <summary>Give every gt its best boxes even below <see cref="PosIouThr"/>.</summary>
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
