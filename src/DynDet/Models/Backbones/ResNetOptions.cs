namespace DynDet.Models.Backbones;

/// <summary>Configuration of a <see cref="ResNet"/>.</summary>
public sealed record ResNetOptions
{
    /// <summary>18, 34, 50 or 101 (default 50).</summary>
    public int Depth { get; init; } = 50;

    /// <summary>
    /// Multiplier on every width (stem 64, stages 64/128/256/512 planes; default 1). Values below 1 make small
    /// CPU variants (e.g. 0.25 → 16/32/64/128); torchvision weights load only at 1.
    /// </summary>
    public double WidthMultiplier { get; init; } = 1.0;

    /// <summary>Normalisation layers (default batch norm).</summary>
    public NormKind Norm { get; init; } = NormKind.BatchNorm;

    /// <summary>
    /// Keep batch-norm layers in evaluation mode while training (MMDetection's <c>norm_eval=True</c>; default
    /// false): running statistics stay fixed, affine parameters still train.
    /// </summary>
    public bool NormEval { get; init; }

    /// <summary>
    /// Stages frozen (no gradient, evaluation mode): −1 none (default), 0 the stem, k the stem and layer1..k
    /// (MMDetection's <c>frozen_stages</c>; 1 in its R-50 configs).
    /// </summary>
    public int FrozenStages { get; init; } = -1;

    /// <summary>Stages returned by <see cref="ResNet.Forward"/>: 0..3 = C2..C5 (default all four).</summary>
    public IReadOnlyList<int> OutIndices { get; init; } = [0, 1, 2, 3];

    /// <summary>Classes of the ImageNet classifier head (<c>avgpool</c> + <c>fc</c>); 0 (default) builds none.</summary>
    public int NumClasses { get; init; }
}
