using DynDet.Config;

namespace DynDet.Data.Transforms;

/// <summary>
/// The image pipeline of MMDetection's detection configs (SPEC §0.6): aspect-keeping resize, random
/// horizontal flip, normalisation with the ImageNet RGB mean/std, padding to a multiple of 32. Defaults are
/// the training pipeline at (1333, 800); use <see cref="Testing"/> for evaluation.
/// </summary>
public sealed record TransformOptions
{
    /// <summary>Target scales; default [(1333, 800)]. More than one turns multi-scale training on.</summary>
    public IReadOnlyList<ImageScale> Scales { get; init; } = [ImageScale.Coco];

    /// <summary>How a scale is drawn when there are several; default <see cref="MultiScaleMode.Value"/>.</summary>
    public MultiScaleMode MultiScaleMode { get; init; } = MultiScaleMode.Value;

    /// <summary>Probability of a horizontal flip, 0–1; default 0.5 (0 for testing).</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Per-channel mean subtracted, RGB order; default [123.675, 116.28, 103.53].</summary>
    public IReadOnlyList<float> Mean { get; init; } = [123.675f, 116.28f, 103.53f];

    /// <summary>Per-channel standard deviation divided by, RGB order; default [58.395, 57.12, 57.375].</summary>
    public IReadOnlyList<float> Std { get; init; } = [58.395f, 57.12f, 57.375f];

    /// <summary>Images are padded (right and bottom, with 0 after normalisation) to a multiple of this; default 32, ≥ 1.</summary>
    public int SizeDivisor { get; init; } = 32;

    /// <summary>
    /// Whose resize (default <see cref="ImplementationStyle.Mmdetection"/>): MMDetection's sizes
    /// (<see cref="ImageScale.Apply"/>) with the 8-bit image resized by <see cref="ImageResizer"/>, or torchvision's sizes
    /// (<see cref="ImageScale.ApplyTorchVision"/>) with the normalised float image resized in
    /// <see cref="BatchCollator"/> by torch's own bilinear kernel, as <c>GeneralizedRCNNTransform</c> does.
    /// </summary>
    public ImplementationStyle Resize { get; init; } = ImplementationStyle.Mmdetection;

    /// <summary>The training pipeline at the given scales (flip 0.5); (1333, 800) when none are given.</summary>
    public static TransformOptions Training(params ImageScale[] scales) =>
        new() { Scales = scales.Length == 0 ? [ImageScale.Coco] : scales };

    /// <summary>The test pipeline: one scale, no flip.</summary>
    public static TransformOptions Testing(ImageScale scale) => new() { Scales = [scale], FlipProbability = 0 };

    /// <summary>Throws <see cref="ArgumentException"/> when an option is out of range.</summary>
    public void Validate()
    {
        if (Scales.Count == 0 || Scales.Any(s => s.LongEdge < 1 || s.ShortEdge < 1))
        {
            throw new ArgumentException("transform scales must be at least one (long, short) pair of positive sizes");
        }

        if (MultiScaleMode == MultiScaleMode.Range && Scales.Count < 2)
        {
            throw new ArgumentException("multi-scale range mode needs two or more scales (the range's ends)");
        }

        if (FlipProbability is < 0 or > 1)
        {
            throw new ArgumentException("flip probability must be in [0, 1]");
        }

        if (Mean.Count != 3 || Std.Count != 3 || Std.Any(s => !(s > 0)))
        {
            throw new ArgumentException("mean and std must have 3 values, std positive");
        }

        if (SizeDivisor < 1)
        {
            throw new ArgumentException("size divisor must be at least 1");
        }
    }
}
