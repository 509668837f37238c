namespace DynDet.Torch.NN;

/// <summary>Which fan Kaiming initialisation preserves the variance of.</summary>
public enum FanMode
{
    /// <summary>Inputs (forward pass), PyTorch's default.</summary>
    FanIn,

    /// <summary>Outputs (backward pass), torchvision's ResNet convs.</summary>
    FanOut,
}
