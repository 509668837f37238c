using System.Runtime.InteropServices;
using DynDet.Torch.Native;

namespace DynDet.Torch.Ops;

/// <summary>
/// One operator of the c10 dispatcher, found once by (name, overload) and called by value cells.
/// The shim checks the arguments against the schema and fills defaults, so a wrong call raises a
/// <see cref="TorchException"/> naming the op instead of reaching the kernel.
/// </summary>
/// <remarks>
/// Every Call* method takes the managed objects whose native handles the arguments carry
/// (<c>keep</c>…) and keeps them reachable until the native call returns: a finalizer may never free a
/// handle that native code is using.
/// </remarks>
internal sealed unsafe class Op
{
    private const int ResultCapacity = 8;
    private readonly IntPtr _handle;

    private Op(string name, string overload, IntPtr handle)
    {
        Name = string.IsNullOrEmpty(overload) ? name : $"{name}.{overload}";
        _handle = handle;
    }

    /// <summary>The qualified name, e.g. <c>aten::add.Tensor</c>.</summary>
    public string Name { get; }

    /// <summary>The operator's schema as libtorch prints it.</summary>
    public string Schema
    {
        get
        {
            IntPtr schema = NativeMethods.dd_op_schema(_handle);
            return schema == IntPtr.Zero ? throw new TorchException(Check.LastError()) : Marshal.PtrToStringUTF8(schema) ?? string.Empty;
        }
    }

    /// <summary>Finds an operator; throws <see cref="TorchException"/> when it is not registered.</summary>
    public static Op Get(string name, string overload = "")
    {
        Check.Status(NativeMethods.dd_op_find(name, overload, out IntPtr handle));
        return new Op(name, overload, handle);
    }

    /// <summary>Calls the op; results are written to <paramref name="results"/>; returns their count.</summary>
    public int Call(ReadOnlySpan<DdValue> args, Span<DdValue> results)
    {
        int count;
        int status;
        fixed (DdValue* a = args)
        fixed (DdValue* r = results)
        {
            status = NativeMethods.dd_op_call(_handle, a, args.Length, r, results.Length, out count);
        }

        Check.Status(status);
        return count;
    }

    /// <summary>Calls an op that returns one tensor.</summary>
    public Tensor Call1(ReadOnlySpan<DdValue> args, object? keep0 = null, object? keep1 = null, object? keep2 = null)
    {
        Span<DdValue> results = stackalloc DdValue[ResultCapacity];
        int count = Call(args, results);
        GC.KeepAlive(keep0);
        GC.KeepAlive(keep1);
        GC.KeepAlive(keep2);
        return TakeFirstTensor(results[..count]);
    }

    /// <summary>Calls an op that returns two tensors.</summary>
    public (Tensor First, Tensor Second) Call2(ReadOnlySpan<DdValue> args, object? keep0 = null, object? keep1 = null,
        object? keep2 = null)
    {
        Span<DdValue> results = stackalloc DdValue[ResultCapacity];
        int count = Call(args, results);
        GC.KeepAlive(keep0);
        GC.KeepAlive(keep1);
        GC.KeepAlive(keep2);
        Tensor?[] t = TakeTensors(results[..count], 2);
        return (t[0]!, t[1]!);
    }

    /// <summary>Calls an op that returns three tensors (some may be undefined, reported as null).</summary>
    public (Tensor? First, Tensor? Second, Tensor? Third) Call3(ReadOnlySpan<DdValue> args, object? keep0 = null,
        object? keep1 = null, object? keep2 = null, object? keep3 = null, object? keep4 = null)
    {
        Span<DdValue> results = stackalloc DdValue[ResultCapacity];
        int count = Call(args, results);
        GC.KeepAlive(keep0);
        GC.KeepAlive(keep1);
        GC.KeepAlive(keep2);
        GC.KeepAlive(keep3);
        GC.KeepAlive(keep4);
        Tensor?[] t = TakeTensors(results[..count], 3, allowNone: true);
        return (t[0], t[1], t[2]);
    }

    /// <summary>Calls an op that returns a list of tensors.</summary>
    public Tensor[] CallList(ReadOnlySpan<DdValue> args, object? keep0 = null, object? keep1 = null)
    {
        Span<DdValue> results = stackalloc DdValue[ResultCapacity];
        int count = Call(args, results);
        GC.KeepAlive(keep0);
        GC.KeepAlive(keep1);
        if (count != 1 || results[0].Kind != DdKind.TensorList)
        {
            FreeAll(results[..count]);
            throw new TorchException($"{Name}: expected a tensor list result");
        }

        // From here on this method owns every handle of the list: on any failure the ones already wrapped
        // are disposed and the rest freed, so a failed call leaves the live-tensor count where it was.
        var handles = (IntPtr*)results[0].P;
        long length = results[0].N;
        results[0].Kind = DdKind.None;
        var list = new Tensor[length];
        int made = 0;
        try
        {
            for (; made < list.Length; made++)
            {
                if (handles[made] == IntPtr.Zero)
                {
                    throw new TorchException($"{Name}: tensor {made} of the result list is undefined");
                }

                list[made] = new Tensor(handles[made]);
            }
        }
        catch
        {
            for (int k = 0; k < made; k++)
            {
                list[k].Dispose();
            }

            // handles[made] is null or already owned by the Tensor whose construction failed.
            for (long k = made + 1; k < length; k++)
            {
                NativeMethods.dd_tensor_free(handles[k]);
            }

            throw;
        }

        return list;
    }

    /// <summary>Calls an op for its side effect (in-place ops); the aliases it returns are released at once.</summary>
    public void CallVoid(ReadOnlySpan<DdValue> args, object? keep0 = null, object? keep1 = null, object? keep2 = null)
    {
        Span<DdValue> results = stackalloc DdValue[ResultCapacity];
        int count = Call(args, results);
        GC.KeepAlive(keep0);
        GC.KeepAlive(keep1);
        GC.KeepAlive(keep2);
        FreeAll(results[..count]);
    }

    /// <summary>Calls an op that returns a float number (e.g. <c>aten::item</c>-like ops).</summary>
    public double CallDouble(ReadOnlySpan<DdValue> args, object? keep0 = null)
    {
        Span<DdValue> results = stackalloc DdValue[ResultCapacity];
        int count = Call(args, results);
        GC.KeepAlive(keep0);
        if (count == 1 && results[0].Kind == DdKind.Double)
        {
            return results[0].D;
        }

        if (count == 1 && results[0].Kind == DdKind.Int)
        {
            return results[0].I;
        }

        FreeAll(results[..count]);
        throw new TorchException($"{Name}: expected a number result");
    }

    /// <summary>Calls an op that returns an integer.</summary>
    public long CallInt64(ReadOnlySpan<DdValue> args, object? keep0 = null)
    {
        Span<DdValue> results = stackalloc DdValue[ResultCapacity];
        int count = Call(args, results);
        GC.KeepAlive(keep0);
        if (count == 1 && results[0].Kind is DdKind.Int or DdKind.Bool)
        {
            return results[0].I;
        }

        FreeAll(results[..count]);
        throw new TorchException($"{Name}: expected an integer result");
    }

    /// <summary>Calls an op that returns a bool.</summary>
    public bool CallBool(ReadOnlySpan<DdValue> args, object? keep0 = null, object? keep1 = null) =>
        CallInt64Keep2(args, keep0, keep1) != 0;

    private long CallInt64Keep2(ReadOnlySpan<DdValue> args, object? keep0, object? keep1)
    {
        long value = CallInt64(args, keep0);
        GC.KeepAlive(keep1);
        return value;
    }

    private Tensor TakeFirstTensor(Span<DdValue> results)
    {
        if (results.Length == 0 || results[0].Kind != DdKind.Tensor)
        {
            FreeAll(results);
            throw new TorchException($"{Name}: expected a tensor result");
        }

        var handle = (IntPtr)results[0].P;
        results[0].Kind = DdKind.None;
        FreeAll(results[1..]);
        return new Tensor(handle);
    }

    private Tensor?[] TakeTensors(Span<DdValue> results, int expected, bool allowNone = false)
    {
        if (results.Length < expected)
        {
            FreeAll(results);
            throw new TorchException($"{Name}: expected {expected} results, got {results.Length}");
        }

        var list = new Tensor?[expected];
        try
        {
            for (int k = 0; k < expected; k++)
            {
                if (results[k].Kind == DdKind.Tensor)
                {
                    // Marked taken before the Tensor owns it, so that the clean-up below never frees it twice.
                    results[k].Kind = DdKind.None;
                    list[k] = new Tensor((IntPtr)results[k].P);
                }
                else if (!(allowNone && results[k].Kind == DdKind.None))
                {
                    throw new TorchException($"{Name}: result {k} is not a tensor");
                }
            }
        }
        catch
        {
            FreeAll(results);
            foreach (var t in list)
            {
                t?.Dispose();
            }

            throw;
        }

        FreeAll(results[expected..]);
        return list;
    }

    private static void FreeAll(Span<DdValue> results)
    {
        foreach (ref DdValue r in results)
        {
            if (r.Kind == DdKind.Tensor)
            {
                NativeMethods.dd_tensor_free((IntPtr)r.P);
            }
            else if (r.Kind == DdKind.TensorList)
            {
                var handles = (IntPtr*)r.P;
                for (long k = 0; k < r.N; k++)
                {
                    NativeMethods.dd_tensor_free(handles[k]);
                }
            }

            r.Kind = DdKind.None;
        }
    }
}
