namespace DynDet.Config;

/// <summary>R-CNN post-processing at test time (SPEC §0.4).</summary>
public sealed record RcnnTestConfig
{
    /// <summary>Least class score kept (default 0.05; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double ScoreThr { get; init; } = 0.05;

    /// <summary>Per-class NMS IoU (default 0.5; in [0, 1]).</summary>
    [ConfigRange(0, 1)]
    public double NmsIou { get; init; } = 0.5;

    /// <summary>Detections kept per image (default 100; &gt;= 1).</summary>
    [ConfigRange(1)]
    public int MaxPerImage { get; init; } = 100;

    /// <summary>
    /// Class boxes narrower or lower than this, in resized-image pixels after clipping, are dropped before NMS
    /// (torchvision's <c>RoIHeads</c> drops them below 0.01 with <c>remove_small_boxes</c>; default 0: none dropped, as
    /// MMDetection; &gt;= 0).
    /// </summary>
    [ConfigRange(0)]
    public double MinBoxSize { get; init; }
}
