namespace DynDet.Assignment;

/// <summary>Configuration of a <see cref="DeltaXywhBoxCoder"/> (SPEC §0.1).</summary>
public sealed record DeltaXywhBoxCoderOptions
{
    /// <summary>Target means (dx, dy, dw, dh), subtracted after encoding (default 0, 0, 0, 0; must be 0 for <see cref="BoxCoderStyle.TorchVision"/>).</summary>
    public IReadOnlyList<double> Means { get; init; } = [0, 0, 0, 0];

    /// <summary>
    /// Target standard deviations (dx, dy, dw, dh), divided out after encoding (default 1, 1, 1, 1 for the RPN
    /// and RetinaNet; 0.1, 0.1, 0.2, 0.2 for the R-CNN head and ATSS). All must be positive. torchvision's
    /// <c>weights</c> are their reciprocals: weights (10, 10, 5, 5) ≡ stds (0.1, 0.1, 0.2, 0.2).
    /// </summary>
    public IReadOnlyList<double> Stds { get; init; } = [1, 1, 1, 1];

    /// <summary>
    /// Smallest decoded size ratio (default 16/1000): decoded dw and dh are clamped to
    /// <c>±|ln(WhRatioClip)|</c> ≈ ±4.135 (MMDetection, both sides) or to at most <c>ln(1/WhRatioClip)</c>
    /// (torchvision's <c>bbox_xform_clip = ln(1000/16)</c>, from above only). In (0, 1).
    /// </summary>
    public double WhRatioClip { get; init; } = 16.0 / 1000;

    /// <summary>Clamp decoded boxes to the image when a maximum shape is passed to <see cref="DeltaXywhBoxCoder.Decode"/> (default true).</summary>
    public bool ClipBorder { get; init; } = true;

    /// <summary>Whose arithmetic and clamping to reproduce (default <see cref="BoxCoderStyle.MMDetection"/>).</summary>
    public BoxCoderStyle Style { get; init; } = BoxCoderStyle.MMDetection;

    /// <summary>MMDetection's RPN / RetinaNet coder: means 0, stds 1.</summary>
    public static DeltaXywhBoxCoderOptions Rpn => new();

    /// <summary>MMDetection's R-CNN head (and ATSS) coder: means 0, stds (0.1, 0.1, 0.2, 0.2).</summary>
    public static DeltaXywhBoxCoderOptions RCnn => new() { Stds = [0.1, 0.1, 0.2, 0.2] };

    /// <summary>
    /// torchvision's <c>BoxCoder(weights=(wx, wy, ww, wh))</c>: (1, 1, 1, 1) in its RPN, (10, 10, 5, 5) in its
    /// RoI heads. All weights must be positive.
    /// </summary>
    public static DeltaXywhBoxCoderOptions TorchVision(double wx, double wy, double ww, double wh) => new()
    {
        Stds = [1 / wx, 1 / wy, 1 / ww, 1 / wh],
        Style = BoxCoderStyle.TorchVision,
    };
}
