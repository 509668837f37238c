using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch;

/// <content>Creation and joining of tensors: float32 on the CPU unless told otherwise.</content>
public sealed partial class Tensor
{
    // ---- creation ----

    private static unsafe Tensor Factory(Op op, ReadOnlySpan<long> shape, ScalarType? dtype, Device? device)
    {
        fixed (long* s = shape)
        {
            return op.Call1([DdValue.IntList(s, shape.Length), DdValue.Of(dtype), DdValue.None,
                device is null ? DdValue.None : DdValue.Of(device.Value)]);
        }
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Factory(Aten.Zeros, shape, dtype, device);

    /// <summary>A float32 tensor of zeros.</summary>
    public static Tensor Zeros(params ReadOnlySpan<long> shape) => Factory(Aten.Zeros, shape, ScalarType.Float32, null);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Factory(Aten.Ones, shape, dtype, device);

    /// <summary>A float32 tensor of ones.</summary>
    public static Tensor Ones(params ReadOnlySpan<long> shape) => Factory(Aten.Ones, shape, ScalarType.Float32, null);

    /// <summary>An uninitialised tensor.</summary>
    public static Tensor Empty(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Factory(Aten.EmptyMemoryFormat, shape, dtype, device);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static unsafe Tensor Full(ReadOnlySpan<long> shape, Scalar value, ScalarType dtype = ScalarType.Float32,
        Device? device = null)
    {
        fixed (long* s = shape)
        {
            return Aten.Full.Call1([DdValue.IntList(s, shape.Length), DdValue.Of(value), DdValue.Of(dtype), DdValue.None,
                device is null ? DdValue.None : DdValue.Of(device.Value)]);
        }
    }

    /// <summary>Uniform samples in [0, 1) from the global generator.</summary>
    public static Tensor Rand(params ReadOnlySpan<long> shape) => Factory(Aten.Rand, shape, ScalarType.Float32, null);

    /// <summary>Standard normal samples from the global generator.</summary>
    public static Tensor Randn(params ReadOnlySpan<long> shape) => Factory(Aten.Randn, shape, ScalarType.Float32, null);

    /// <summary>Integers uniform in [<paramref name="low"/>, <paramref name="high"/>) (int64).</summary>
    public static unsafe Tensor RandInt(long low, long high, params ReadOnlySpan<long> shape)
    {
        fixed (long* s = shape)
        {
            return Aten.RandintLow.Call1([DdValue.Of(low), DdValue.Of(high), DdValue.IntList(s, shape.Length)]);
        }
    }

    /// <summary>A random permutation of 0..n−1 (int64).</summary>
    public static Tensor Randperm(long n) => Aten.Randperm.Call1([DdValue.Of(n)]);

    /// <summary>0, 1, ..., end−1 (int64 for integer <paramref name="end"/>, float32 otherwise unless <paramref name="dtype"/> says).</summary>
    public static Tensor Arange(Scalar end, ScalarType? dtype = null, Device? device = null) =>
        Aten.Arange.Call1([DdValue.Of(end), DdValue.Of(dtype), DdValue.None, device is null ? DdValue.None : DdValue.Of(device.Value)]);

    /// <summary>start, start+step, ... below end.</summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar step, ScalarType? dtype = null, Device? device = null) =>
        Aten.ArangeStartStep.Call1([DdValue.Of(start), DdValue.Of(end), DdValue.Of(step), DdValue.Of(dtype), DdValue.None,
            device is null ? DdValue.None : DdValue.Of(device.Value)]);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor Linspace(double start, double end, long steps, ScalarType dtype = ScalarType.Float32) =>
        Aten.Linspace.Call1([DdValue.Of((Scalar)start), DdValue.Of((Scalar)end), DdValue.Of(steps), DdValue.Of(dtype)]);

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Eye(long n, ScalarType dtype = ScalarType.Float32) =>
        Aten.Eye.Call1([DdValue.Of(n), DdValue.Of(dtype)]);

    /// <summary>Zeros shaped, typed and placed like <paramref name="other"/>.</summary>
    public static Tensor ZerosLike(Tensor other, ScalarType? dtype = null) =>
        Aten.ZerosLike.Call1([DdValue.Of(other), DdValue.Of(dtype)], other);

    /// <summary>Ones shaped, typed and placed like <paramref name="other"/>.</summary>
    public static Tensor OnesLike(Tensor other, ScalarType? dtype = null) =>
        Aten.OnesLike.Call1([DdValue.Of(other), DdValue.Of(dtype)], other);

    /// <summary><paramref name="value"/> everywhere, shaped, typed and placed like <paramref name="other"/>.</summary>
    public static Tensor FullLike(Tensor other, Scalar value, ScalarType? dtype = null) =>
        Aten.FullLike.Call1([DdValue.Of(other), DdValue.Of(value), DdValue.Of(dtype)], other);

    /// <summary>A scalar (0-d) tensor.</summary>
    public static Tensor ScalarTensor(double value, ScalarType dtype = ScalarType.Float32) =>
        Full(ReadOnlySpan<long>.Empty, value, dtype);

    // ---- joining ----

    private static unsafe Tensor JoinTensors(Op op, ReadOnlySpan<Tensor> tensors, long dim)
    {
        Span<IntPtr> handles = tensors.Length <= 32 ? stackalloc IntPtr[tensors.Length] : new IntPtr[tensors.Length];
        for (int k = 0; k < tensors.Length; k++)
        {
            handles[k] = tensors[k].RawHandle;
        }

        Tensor result;
        fixed (IntPtr* h = handles)
        {
            result = op.Call1([DdValue.TensorList(h, tensors.Length), DdValue.Of(dim)]);
        }

        foreach (var t in tensors)
        {
            GC.KeepAlive(t);
        }

        return result;
    }

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor Cat(ReadOnlySpan<Tensor> tensors, long dim = 0) => JoinTensors(Aten.Cat, tensors, dim);

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return JoinTensors(Aten.Cat, tensors.ToArray(), dim);
    }

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor Stack(ReadOnlySpan<Tensor> tensors, long dim = 0) => JoinTensors(Aten.Stack, tensors, dim);

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return JoinTensors(Aten.Stack, tensors.ToArray(), dim);
    }

    /// <summary>Coordinate grids of the 1-D inputs; <paramref name="indexing"/> is <c>"ij"</c> (matrix) or <c>"xy"</c>.</summary>
    public static unsafe Tensor[] Meshgrid(ReadOnlySpan<Tensor> tensors, string indexing = "ij")
    {
        ArgumentNullException.ThrowIfNull(indexing);
        Span<IntPtr> handles = stackalloc IntPtr[tensors.Length];
        for (int k = 0; k < tensors.Length; k++)
        {
            handles[k] = tensors[k].RawHandle;
        }

        byte[] mode = System.Text.Encoding.UTF8.GetBytes(indexing);
        Tensor[] result;
        fixed (IntPtr* h = handles)
        fixed (byte* m = mode)
        {
            result = Aten.MeshgridIndexing.CallList([DdValue.TensorList(h, tensors.Length), DdValue.String(m, mode.Length)]);
        }

        foreach (var t in tensors)
        {
            GC.KeepAlive(t);
        }

        return result;
    }

    /// <summary>Elements of <paramref name="whenTrue"/> where <paramref name="condition"/> holds, else of <paramref name="whenFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Tensor whenFalse) =>
        Aten.WhereSelf.Call1([DdValue.Of(condition), DdValue.Of(whenTrue), DdValue.Of(whenFalse)], condition, whenTrue, whenFalse);

    /// <summary><paramref name="whenTrue"/> where <paramref name="condition"/> holds, else the number <paramref name="whenFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Scalar whenFalse) =>
        Aten.WhereScalarOther.Call1([DdValue.Of(condition), DdValue.Of(whenTrue), DdValue.Of(whenFalse)], condition, whenTrue);

    /// <summary>The number <paramref name="whenTrue"/> where <paramref name="condition"/> holds, else <paramref name="whenFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Scalar whenTrue, Tensor whenFalse) =>
        Aten.WhereScalarSelf.Call1([DdValue.Of(condition), DdValue.Of(whenTrue), DdValue.Of(whenFalse)], condition, whenFalse);
}
