using System.Runtime.InteropServices;

namespace DynDet.Torch.Native;

/// <summary>Kinds of a <see cref="DdValue"/>; the numbers are <c>enum dd_kind</c> of the C header.</summary>
internal enum DdKind
{
    Default = 0,
    None = 1,
    Tensor = 2,
    Int = 3,
    Double = 4,
    Bool = 5,
    IntList = 6,
    TensorList = 7,
    ScalarInt = 8,
    ScalarDouble = 9,
    String = 10,
    DoubleList = 11,
    OptionalTensorList = 12,
    Device = 13,
    BoolList = 14,
    ScalarBool = 15,
}

/// <summary>
/// One blittable argument or result cell of a generic op call (<c>dd_value</c>). Pointers inside
/// (lists, strings) must stay pinned for the duration of the call.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DdValue
{
    public DdKind Kind;
    public int Reserved;
    public long I;
    public double D;
    public void* P;
    public long N;

    public static DdValue Default => new() { Kind = DdKind.Default };

    public static DdValue None => new() { Kind = DdKind.None };

    public static DdValue Of(Tensor tensor) => new() { Kind = DdKind.Tensor, P = (void*)tensor.RawHandle };

    public static DdValue Of(Tensor? tensor, bool optional) =>
        tensor is null ? None : new() { Kind = DdKind.Tensor, P = (void*)tensor.RawHandle };

    public static DdValue Of(long value) => new() { Kind = DdKind.Int, I = value };

    public static DdValue Of(double value) => new() { Kind = DdKind.Double, D = value };

    public static DdValue Of(bool value) => new() { Kind = DdKind.Bool, I = value ? 1 : 0 };

    public static DdValue Of(ScalarType dtype) => new() { Kind = DdKind.Int, I = (long)dtype };

    public static DdValue Of(ScalarType? dtype) => dtype is null ? None : Of(dtype.Value);

    public static DdValue Of(long? value) => value is null ? None : Of(value.Value);

    public static DdValue Of(double? value) => value is null ? None : Of(value.Value);

    public static DdValue Of(Scalar value) => value.ToValue();

    public static DdValue Of(Scalar? value) => value is null ? None : value.Value.ToValue();

    public static DdValue Of(Device device) =>
        new() { Kind = DdKind.Device, I = (long)device.Type, N = device.Index };

    public static DdValue IntList(long* data, int length) => new() { Kind = DdKind.IntList, P = data, N = length };

    public static DdValue DoubleList(double* data, int length) =>
        new() { Kind = DdKind.DoubleList, P = data, N = length };

    public static DdValue TensorList(IntPtr* handles, int length) =>
        new() { Kind = DdKind.TensorList, P = handles, N = length };

    public static DdValue OptionalTensorList(IntPtr* handles, int length) =>
        new() { Kind = DdKind.OptionalTensorList, P = handles, N = length };

    public static DdValue String(byte* utf8, int length) => new() { Kind = DdKind.String, P = utf8, N = length };
}
