namespace DynDet.Torch.NN;

/// <summary>Interpolation of <c>Functional.Interpolate</c> and <see cref="Functional.GridSample"/>.</summary>
public enum InterpolationMode
{
    /// <summary>Bilinear.</summary>
    Bilinear = 0,

    /// <summary>Nearest neighbour (PyTorch's legacy <c>nearest</c>: floor of the scaled coordinate).</summary>
    Nearest = 1,
}
