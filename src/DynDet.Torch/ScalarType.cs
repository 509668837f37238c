namespace DynDet.Torch;

/// <summary>Element types of tensors; the numbers are libtorch's <c>c10::ScalarType</c>.</summary>
public enum ScalarType
{
    /// <summary>8-bit unsigned integer (<c>torch.uint8</c>).</summary>
    Byte = 0,

    /// <summary>8-bit signed integer (<c>torch.int8</c>).</summary>
    Int8 = 1,

    /// <summary>16-bit signed integer (<c>torch.int16</c>).</summary>
    Int16 = 2,

    /// <summary>32-bit signed integer (<c>torch.int32</c>).</summary>
    Int32 = 3,

    /// <summary>64-bit signed integer (<c>torch.int64</c>), the type of indices.</summary>
    Int64 = 4,

    /// <summary>16-bit IEEE float (<c>torch.float16</c>).</summary>
    Float16 = 5,

    /// <summary>32-bit float (<c>torch.float32</c>), the default.</summary>
    Float32 = 6,

    /// <summary>64-bit float (<c>torch.float64</c>).</summary>
    Float64 = 7,

    /// <summary>Boolean (<c>torch.bool</c>), the type of masks.</summary>
    Bool = 11,

    /// <summary>bfloat16 (<c>torch.bfloat16</c>).</summary>
    BFloat16 = 15,
}
