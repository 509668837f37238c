namespace DynDet.Config;

/// <summary>A dense head's post-processing at test time (SPEC §0.4, §3 "test").</summary>
public sealed record DenseTestConfig
{
    /// <summary>Candidates kept per level before NMS (default 1000; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int NmsPre { get; init; } = 1000;

    /// <summary>Least class score kept (default 0.05; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double ScoreThr { get; init; } = 0.05;

    /// <summary>Per-class NMS IoU (default 0.5; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double NmsIou { get; init; } = 0.5;

    /// <summary>Detections kept per image (default 100; torchvision's RetinaNet keeps 300; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int MaxPerImage { get; init; } = 100;
}
