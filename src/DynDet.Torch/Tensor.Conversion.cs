using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch;

/// <content>Type and device conversion, copies.</content>
public sealed partial class Tensor
{
    /// <summary>This tensor converted to <paramref name="dtype"/> (a new handle to the same data when it already is).</summary>
    public Tensor To(ScalarType dtype, bool copy = false) =>
        Aten.ToDtype.Call1([DdValue.Of(this), DdValue.Of(dtype), DdValue.Of(false), DdValue.Of(copy)], this);

    /// <summary>This tensor on <paramref name="device"/>, optionally converted to <paramref name="dtype"/>.</summary>
    public Tensor To(Device device, ScalarType? dtype = null, bool copy = false) =>
        Aten.ToDevice.Call1([DdValue.Of(this), DdValue.Of(device), DdValue.Of(dtype ?? Dtype), DdValue.Of(false), DdValue.Of(copy)], this);

    /// <summary>A copy with its own storage (recorded by autograd).</summary>
    public Tensor Clone() => Unary(Aten.Clone);

    /// <summary>Converted to float32.</summary>
    public Tensor Float() => To(ScalarType.Float32);

    /// <summary>Converted to int64.</summary>
    public Tensor Long() => To(ScalarType.Int64);

    /// <summary>Converted to bool.</summary>
    public Tensor Bool() => To(ScalarType.Bool);
}
