namespace DynDet.Models.Backbones;

/// <summary>Normalisation layers of a backbone.</summary>
public enum NormKind
{
    /// <summary><c>BatchNorm2d</c>: trainable affine parameters; statistics updated unless norm-eval is on.</summary>
    BatchNorm,

    /// <summary><c>FrozenBatchNorm2d</c> (torchvision's detection default): fixed statistics and affine parameters.</summary>
    FrozenBatchNorm,
}
