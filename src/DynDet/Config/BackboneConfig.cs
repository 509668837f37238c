using DynDet.Models.Backbones;

namespace DynDet.Config;

/// <summary>The ResNet backbone (SPEC §0.6).</summary>
public sealed record BackboneConfig
{
    /// <summary>ResNet depth: 18, 34, 50 or 101 (default 50).</summary>
    [ConfigChoice(18, 34, 50, 101)]
    public int Depth { get; init; } = 50;

    /// <summary>Width multiplier of every layer (default 1.0; below 1 for CPU presets; in (0, 4]).</summary>
    [ConfigRange(0, 4, MinExclusive = true)]
    public double Width { get; init; } = 1.0;

    /// <summary>Normalisation layers: <c>batch_norm</c> (default) or <c>frozen_batch_norm</c>.</summary>
    public NormKind Norm { get; init; } = NormKind.BatchNorm;

    /// <summary>Keep batch-norm statistics fixed while training (true, as MMDetection's R-50 configs).</summary>
    public bool NormEval { get; init; } = true;

    /// <summary>Frozen stages: -1 none, 0 stem, k stem and layer1..k (default 1; in [-1, 4]).</summary>
    [ConfigRange(-1, 4)]
    public int FrozenStages { get; init; } = 1;

    /// <summary>A torchvision ImageNet <c>state_dict</c> file to initialise from (none: random init).</summary>
    public string? Weights { get; init; }
}
