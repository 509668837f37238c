namespace DynDet.Torch;

/// <summary>Kinds of device; the numbers are libtorch's <c>c10::DeviceType</c>.</summary>
public enum DeviceType
{
    /// <summary>The host CPU.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU.</summary>
    Cuda = 1,
}
