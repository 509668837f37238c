using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using DynDet.Torch.Native;

namespace DynDet.Torch;

/// <summary>
/// A libtorch tensor. Owns one native handle, released by <see cref="Dispose"/> or by the
/// <see cref="DisposeScope"/> that was innermost when the tensor was created. Operations are split by
/// concern into partial files (arithmetic, indexing, reductions, shape, neural-network functions).
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;

    internal Tensor(IntPtr handle)
    {
        if (handle == IntPtr.Zero)
        {
            throw new TorchException("null tensor handle");
        }

        _handle = new TensorHandle(handle);
        DisposeScope.Register(this);
    }

    /// <summary>The dispose scope that owns this tensor, or null.</summary>
    internal DisposeScope? Owner { get; set; }

    /// <summary>The raw native handle, for argument cells (see <see cref="Ops.Op"/> on keep-alive).</summary>
    internal IntPtr RawHandle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>True once the native handle has been released.</summary>
    public bool IsDisposed => _handle.IsClosed;

    /// <summary>Element type.</summary>
    public ScalarType Dtype
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_dtype(RawHandle, out int dtype));
            GC.KeepAlive(this);
            return (ScalarType)dtype;
        }
    }

    /// <summary>Number of dimensions.</summary>
    public int Dim
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_dim(RawHandle, out int dim));
            GC.KeepAlive(this);
            return dim;
        }
    }

    /// <summary>Total number of elements.</summary>
    public long NumElements
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_numel(RawHandle, out long numel));
            GC.KeepAlive(this);
            return numel;
        }
    }

    /// <summary>The sizes of every dimension.</summary>
    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            fixed (long* p = shape)
            {
                Check.Status(NativeMethods.dd_tensor_shape(RawHandle, p, shape.Length));
            }

            GC.KeepAlive(this);
            return shape;
        }
    }

    /// <summary>The strides of every dimension, in elements.</summary>
    public unsafe long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides)
            {
                Check.Status(NativeMethods.dd_tensor_strides(RawHandle, p, strides.Length));
            }

            GC.KeepAlive(this);
            return strides;
        }
    }

    /// <summary>Offset of the first element in the storage, in elements.</summary>
    public long StorageOffset
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_storage_offset(RawHandle, out long offset));
            GC.KeepAlive(this);
            return offset;
        }
    }

    /// <summary>True when the elements are laid out contiguously in row-major order.</summary>
    public bool IsContiguous
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_is_contiguous(RawHandle, out int contiguous));
            GC.KeepAlive(this);
            return contiguous != 0;
        }
    }

    /// <summary>The device holding the elements.</summary>
    public Device Device
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_device(RawHandle, out int type, out int index));
            GC.KeepAlive(this);
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        long[] shape = Shape;
        int d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"tensor has {shape.Length} dimensions");
        }

        return shape[d];
    }

    /// <summary>Releases the native handle now. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (!_handle.IsClosed)
        {
            _handle.ReleaseExplicitly();
        }
    }

    /// <summary>Removes this tensor from its dispose scope: the caller now owns it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Owner?.Detach(this);
        return this;
    }

    /// <summary>Moves this tensor from its dispose scope to the enclosing one.</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        Owner?.MoveToOuter(this);
        return this;
    }

    /// <summary>A second handle to the same tensor (same storage, same autograd identity).</summary>
    public Tensor Alias()
    {
        Check.Status(NativeMethods.dd_tensor_clone_handle(RawHandle, out IntPtr h));
        GC.KeepAlive(this);
        return new Tensor(h);
    }

    /// <summary>True if both handles refer to the same tensor object.</summary>
    public bool IsSameAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Check.Status(NativeMethods.dd_tensor_same(RawHandle, other.RawHandle, out int same));
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return same != 0;
    }

    // ---- data in and out ----

    /// <summary>
    /// Creates a CPU tensor holding a copy of <paramref name="data"/>, shaped as <paramref name="shape"/>.
    /// Throws <see cref="ArgumentException"/> when a size is negative, when the sizes' product overflows, or
    /// when it differs from the data's length; the native side checks the byte count again before reading.
    /// </summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        long count = ElementCount(shape);
        if (count != data.Length)
        {
            throw new ArgumentException(
                $"shape {ShapeText(shape)} holds {count} elements but data has {data.Length}", nameof(shape));
        }

        ScalarType dtype = ScalarTypes.Of<T>();
        long bytes = checked((long)data.Length * sizeof(T));
        IntPtr handle;
        fixed (T* d = data)
        fixed (long* s = shape)
        {
            Check.Status(NativeMethods.dd_tensor_from_data(d, bytes, (int)dtype, s, shape.Length, out handle));
        }

        return new Tensor(handle);
    }

    /// <summary>
    /// The number of elements of <paramref name="shape"/>: its sizes' product, checked, so that an overflow
    /// is an <see cref="ArgumentException"/> instead of a wrapped count that sizes a wrong buffer.
    /// </summary>
    internal static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        bool empty = false;
        foreach (long s in shape)
        {
            if (s < 0)
            {
                throw new ArgumentException($"shape {ShapeText(shape)} has a negative size", nameof(shape));
            }

            empty |= s == 0;
        }

        if (empty)
        {
            return 0;
        }

        try
        {
            foreach (long s in shape)
            {
                count = checked(count * s);
            }
        }
        catch (OverflowException e)
        {
            throw new ArgumentException($"shape {ShapeText(shape)} holds more elements than a long can count", nameof(shape), e);
        }

        return count;
    }

    private static string ShapeText(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>The element count as an array or span length, or a clear exception when it is beyond one.</summary>
    private int ElementCountAsLength(string purpose)
    {
        long n = NumElements;
        if (n > Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"{purpose}: tensor has {n} elements, more than a .NET array or span holds ({Array.MaxLength})");
        }

        return (int)n;
    }

    /// <summary>Creates a 1-D CPU tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray<T>(T[] data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, data.Length);
    }

    /// <summary>Creates a CPU tensor holding a copy of <paramref name="data"/>, shaped as <paramref name="shape"/>.</summary>
    public static Tensor FromArray<T>(T[] data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, shape);
    }

    /// <summary>Copies the elements (row-major) into a new array; <typeparamref name="T"/> must match <see cref="Dtype"/>.</summary>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        var result = new T[ElementCountAsLength("ToArray")];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements (row-major) into <paramref name="destination"/>, whose length must equal <see cref="NumElements"/>.</summary>
    public unsafe void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        ScalarType expected = ScalarTypes.Of<T>();
        ScalarType actual = Dtype;
        if (expected != actual)
        {
            throw new InvalidOperationException(
                $"tensor holds {actual.TorchName()}, not {typeof(T).Name}; convert it first with To({expected})");
        }

        int status;
        fixed (T* d = destination)
        {
            status = NativeMethods.dd_tensor_copy_to(RawHandle, d, checked((long)destination.Length * sizeof(T)));
        }

        GC.KeepAlive(this);
        Check.Status(status);
    }

    /// <summary>
    /// A read-only view of the elements of a contiguous CPU tensor, without copying. Valid only while this
    /// tensor is alive and not modified; <typeparamref name="T"/> must match <see cref="Dtype"/>.
    /// </summary>
    public unsafe ReadOnlySpan<T> AsReadOnlySpan<T>()
        where T : unmanaged
    {
        if (ScalarTypes.Of<T>() != Dtype || !IsContiguous || Device.Type != DeviceType.Cpu)
        {
            throw new InvalidOperationException(
                $"AsReadOnlySpan<{typeof(T).Name}> needs a contiguous CPU tensor of that type");
        }

        int length = ElementCountAsLength("AsReadOnlySpan");
        void* p = NativeMethods.dd_tensor_data_ptr(RawHandle);
        if (p == null && length > 0)
        {
            throw new TorchException(Check.LastError());
        }

        return new ReadOnlySpan<T>(p, length);
    }

    /// <summary>The value of a one-element tensor as a double (a synchronisation point: keep it out of hot loops).</summary>
    public double ToDouble()
    {
        Check.Status(NativeMethods.dd_tensor_item_double(RawHandle, out double value));
        GC.KeepAlive(this);
        return value;
    }

    /// <summary>The value of a one-element tensor as a float.</summary>
    public float ToSingle() => (float)ToDouble();

    /// <summary>The value of a one-element tensor as a long.</summary>
    public long ToInt64()
    {
        Check.Status(NativeMethods.dd_tensor_item_long(RawHandle, out long value));
        GC.KeepAlive(this);
        return value;
    }

    /// <summary>The value of a one-element tensor as a bool.</summary>
    public bool ToBoolean() => ToInt64() != 0;

    // ---- autograd ----

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_requires_grad(RawHandle, out int requiresGrad));
            GC.KeepAlive(this);
            return requiresGrad != 0;
        }

        set
        {
            Check.Status(NativeMethods.dd_tensor_set_requires_grad(RawHandle, value ? 1 : 0));
            GC.KeepAlive(this);
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>True for tensors created by the user rather than by a recorded operation.</summary>
    public bool IsLeaf
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_is_leaf(RawHandle, out int leaf));
            GC.KeepAlive(this);
            return leaf != 0;
        }
    }

    /// <summary>
    /// The accumulated gradient, as a new handle the caller owns (a scope takes it like any tensor), or
    /// null when no gradient has been computed. Setting null clears it (PyTorch's <c>zero_grad(set_to_none=True)</c>).
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            Check.Status(NativeMethods.dd_tensor_grad(RawHandle, out IntPtr g));
            GC.KeepAlive(this);
            return g == IntPtr.Zero ? null : new Tensor(g);
        }

        set
        {
            Check.Status(NativeMethods.dd_tensor_set_grad(RawHandle, value is null ? IntPtr.Zero : value.RawHandle));
            GC.KeepAlive(this);
            GC.KeepAlive(value);
        }
    }

    /// <summary>Back-propagates from this tensor (a scalar, unless <paramref name="gradient"/> is given).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        Check.Status(NativeMethods.dd_backward(RawHandle, gradient?.RawHandle ?? IntPtr.Zero, retainGraph ? 1 : 0));
        GC.KeepAlive(this);
        GC.KeepAlive(gradient);
    }

    /// <summary>A new tensor sharing storage but cut from the autograd graph.</summary>
    public Tensor Detach()
    {
        Check.Status(NativeMethods.dd_tensor_detach(RawHandle, out IntPtr h));
        GC.KeepAlive(this);
        return new Tensor(h);
    }

    /// <summary>
    /// Replaces this tensor's data with <paramref name="data"/>'s, keeping its identity (PyTorch's
    /// <c>param.data = ...</c>), so optimizers built earlier still refer to it.
    /// </summary>
    public void SetData(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check.Status(NativeMethods.dd_tensor_set_data(RawHandle, data.RawHandle));
        GC.KeepAlive(this);
        GC.KeepAlive(data);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (IsDisposed)
        {
            return "Tensor(disposed)";
        }

        var sb = new StringBuilder();
        sb.Append("Tensor(shape=[").Append(string.Join(", ", Shape)).Append("], dtype=")
            .Append(Dtype.TorchName()).Append(", device=").Append(Device).Append(')');
        if (NumElements <= 16 && Device.Type == DeviceType.Cpu)
        {
            using var d = To(ScalarType.Float64);
            sb.Append(" [").Append(string.Join(", ",
                d.ToArray<double>().Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))).Append(']');
        }

        return sb.ToString();
    }
}
