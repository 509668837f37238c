namespace DynDet.Config;

/// <summary>R-CNN post-processing at test time (SPEC §0.4).</summary>
public sealed record RcnnTestConfig
{
    /// <summary>Least class score kept (0.05).</summary>
    public double ScoreThr { get; init; } = 0.05;

    /// <summary>Per-class NMS IoU (0.5).</summary>
    public double NmsIou { get; init; } = 0.5;

    /// <summary>Detections kept per image (100).</summary>
    public int MaxPerImage { get; init; } = 100;
}
