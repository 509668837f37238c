namespace DynDet.Models.Necks;

/// <summary>Configuration of an <see cref="Fpn"/> (MMDetection's FPN arguments).</summary>
public sealed record FpnOptions
{
    /// <summary>Channels of the backbone maps given to the FPN (default R-50's C2–C5: 256, 512, 1024, 2048).</summary>
    public IReadOnlyList<int> InChannels { get; init; } = [256, 512, 1024, 2048];

    /// <summary>Channels of every output (default 256).</summary>
    public int OutChannels { get; init; } = 256;

    /// <summary>Number of outputs, backbone levels plus extra ones (default 5: P2–P6).</summary>
    public int NumOuts { get; init; } = 5;

    /// <summary>First backbone input used (default 0; 1 for RetinaNet/FCOS/ATSS, which start at C3).</summary>
    public int StartLevel { get; init; }

    /// <summary>How extra levels are made (default max-pool, Faster R-CNN's).</summary>
    public ExtraLevels Extra { get; init; } = ExtraLevels.MaxPool;

    /// <summary>ReLU before each extra conv but the first (FCOS/VFNet: true; default false).</summary>
    public bool ReluBeforeExtraConvs { get; init; }
}
