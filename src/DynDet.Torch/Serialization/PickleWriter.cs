using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace DynDet.Torch.Serialization;

/// <summary>
/// Pickles a checkpoint value as <c>torch.save</c> does (protocol 2): state dicts as
/// <c>collections.OrderedDict</c>, tensors as <c>torch._utils._rebuild_tensor_v2</c> over a storage named
/// by persistent id. Each distinct tensor object gets its own storage holding its elements contiguously, and is
/// pickled once (memoized), as Python's pickler does.
/// </summary>
internal sealed class PickleWriter
{
    private const int BatchSize = 1000; // what Python's pickler uses for APPENDS/SETITEMS
    private readonly MemoryStream _out = new();
    private readonly Dictionary<string, int> _globals = new(StringComparer.Ordinal);
    private readonly Dictionary<Tensor, int> _tensorMemo = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _storages = [];
    private readonly HashSet<object> _open = new(ReferenceEqualityComparer.Instance);
    private int _memo;

    /// <summary>The tensors to store, in storage-key order (key = index).</summary>
    public IReadOnlyList<Tensor> Storages => _storages;

    /// <summary>Pickles <paramref name="value"/> and returns data.pkl's bytes.</summary>
    public byte[] Pickle(object? value)
    {
        _out.WriteByte(PickleOpcodes.Proto);
        _out.WriteByte(2);
        Write(value, ValuePath.Root);
        _out.WriteByte(PickleOpcodes.Stop);
        return _out.ToArray();
    }

    private void Write(object? value, ValuePath path)
    {
        switch (value)
        {
            case null:
                Op(PickleOpcodes.None);
                break;
            case bool b:
                Op(b ? PickleOpcodes.NewTrue : PickleOpcodes.NewFalse);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                WriteInt(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ulong u:
                WriteBigInteger(u);
                break;
            case BigInteger big:
                WriteBigInteger(big);
                break;
            case double d:
                WriteFloat(d);
                break;
            case float f:
                WriteFloat(f);
                break;
            case Half h:
                WriteFloat((double)h);
                break;
            case string s:
                WriteString(s);
                break;
            case byte[] bytes:
                WriteBytes(bytes);
                break;
            case Tensor tensor:
                WriteTensor(tensor, path);
                break;
            case PyGlobal g:
                WriteGlobal(g.Module, g.Name);
                break;
            case PyTuple tuple:
                Enter(tuple, path, () => WriteTuple(tuple, path));
                break;
            case ITuple tuple:
            {
                var items = new object?[tuple.Length];
                for (int k = 0; k < items.Length; k++)
                {
                    items[k] = tuple[k];
                }

                WriteTuple(PyTuple.Own(items), path);
                break;
            }

            case PyDict dict:
                Enter(dict, path, () => WriteDict(dict, dict.IsOrderedDict, dict.State, path));
                break;
            case PyObject obj:
                Enter(obj, path, () => WriteObject(obj, path));
                break;
            case IEnumerable<KeyValuePair<string, Tensor>> stateDict:
                Enter(stateDict, path, () => WriteDict(
                    stateDict.Select(e => new KeyValuePair<object, object?>(e.Key, e.Value)), ordered: true, state: null, path));
                break;
            case IDictionary dict:
                Enter(dict, path, () => WriteDict(Entries(dict), ordered: false, state: null, path));
                break;
            case IEnumerable list:
                Enter(list, path, () => WriteList(list, path));
                break;
            default:
                throw new ArgumentException(
                    $"cannot save {value.GetType().Name} at {path}: checkpoints hold null, bool, integers, " +
                    "floating-point numbers, strings, byte[], tensors, PyTuple, PyDict, dictionaries, lists and PyObject",
                    nameof(value));
        }
    }

    private static IEnumerable<KeyValuePair<object, object?>> Entries(IDictionary dict)
    {
        // IDictionary's own enumerator yields DictionaryEntry; a generic dictionary's IEnumerable does not.
        IDictionaryEnumerator e = dict.GetEnumerator();
        while (e.MoveNext())
        {
            yield return new(e.Key, e.Value);
        }
    }

    private void Enter(object container, ValuePath path, Action write)
    {
        if (!_open.Add(container))
        {
            throw new ArgumentException($"cannot save a value that contains itself (at {path})", nameof(container));
        }

        write();
        _open.Remove(container);
    }

    private void Op(byte opcode) => _out.WriteByte(opcode);

    private void WriteInt(long v)
    {
        if (v >= 0 && v <= byte.MaxValue)
        {
            Op(PickleOpcodes.BinInt1);
            _out.WriteByte((byte)v);
        }
        else if (v >= 0 && v <= ushort.MaxValue)
        {
            Op(PickleOpcodes.BinInt2);
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
            _out.Write(b);
        }
        else if (v >= int.MinValue && v <= int.MaxValue)
        {
            Op(PickleOpcodes.BinInt);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            _out.Write(b);
        }
        else
        {
            WriteBigInteger(v);
        }
    }

    private void WriteBigInteger(BigInteger v)
    {
        if (v >= int.MinValue && v <= int.MaxValue)
        {
            WriteInt((long)v);
            return;
        }

        // LONG1: little-endian two's complement, as short as Python writes it.
        byte[] bytes = v.ToByteArray(isUnsigned: false, isBigEndian: false);
        if (bytes.Length > 255)
        {
            throw new ArgumentException("integer too large to save", nameof(v));
        }

        Op(PickleOpcodes.Long1);
        _out.WriteByte((byte)bytes.Length);
        _out.Write(bytes);
    }

    private void WriteFloat(double d)
    {
        Op(PickleOpcodes.BinFloat);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, d);
        _out.Write(b);
    }

    private void WriteString(string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        Op(PickleOpcodes.BinUnicode);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)utf8.Length);
        _out.Write(n);
        _out.Write(utf8);
    }

    private void WriteBytes(byte[] bytes)
    {
        // Protocol 2 has no bytes opcode: Python 3 writes _codecs.encode(latin-1 text, 'latin1').
        WriteGlobal("_codecs", "encode");
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            text.Append((char)b);
        }

        WriteString(text.ToString());
        WriteString("latin1");
        Op(PickleOpcodes.Tuple2);
        Op(PickleOpcodes.Reduce);
    }

    private void WriteGlobal(string module, string name)
    {
        string key = module + "\n" + name;
        if (_globals.TryGetValue(key, out int index))
        {
            WriteGet(index);
            return;
        }

        Op(PickleOpcodes.Global);
        _out.Write(Encoding.UTF8.GetBytes(module + "\n" + name + "\n"));
        _globals[key] = WritePut();
    }

    /// <summary>Memoizes the value on top of the stack; returns its memo index.</summary>
    private int WritePut()
    {
        int index = _memo++;
        if (index < 256)
        {
            Op(PickleOpcodes.BinPut);
            _out.WriteByte((byte)index);
        }
        else
        {
            Op(PickleOpcodes.LongBinPut);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, index);
            _out.Write(b);
        }

        return index;
    }

    private void WriteGet(int index)
    {
        if (index < 256)
        {
            Op(PickleOpcodes.BinGet);
            _out.WriteByte((byte)index);
        }
        else
        {
            Op(PickleOpcodes.LongBinGet);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, index);
            _out.Write(b);
        }
    }

    private void WriteTuple(PyTuple tuple, ValuePath path)
    {
        switch (tuple.Count)
        {
            case 0:
                Op(PickleOpcodes.EmptyTuple);
                return;
            case <= 3:
                for (int k = 0; k < tuple.Count; k++)
                {
                    Write(tuple[k], path.Child((long)k));
                }

                Op((byte)(PickleOpcodes.Tuple1 + tuple.Count - 1));
                return;
            default:
                Op(PickleOpcodes.Mark);
                for (int k = 0; k < tuple.Count; k++)
                {
                    Write(tuple[k], path.Child((long)k));
                }

                Op(PickleOpcodes.Tuple);
                return;
        }
    }

    private void WriteList(IEnumerable list, ValuePath path)
    {
        Op(PickleOpcodes.EmptyList);
        long index = 0;
        int inBatch = 0;
        foreach (object? item in list)
        {
            if (inBatch == 0)
            {
                Op(PickleOpcodes.Mark);
            }

            Write(item, path.Child(index++));
            if (++inBatch == BatchSize)
            {
                Op(PickleOpcodes.Appends);
                inBatch = 0;
            }
        }

        if (inBatch > 0)
        {
            Op(PickleOpcodes.Appends);
        }
    }

    private void WriteDict(IEnumerable<KeyValuePair<object, object?>> items, bool ordered, object? state, ValuePath path)
    {
        if (ordered)
        {
            WriteGlobal("collections", "OrderedDict");
            Op(PickleOpcodes.EmptyTuple);
            Op(PickleOpcodes.Reduce);
        }
        else
        {
            Op(PickleOpcodes.EmptyDict);
        }

        int inBatch = 0;
        foreach (var (key, value) in items)
        {
            if (key is not (string or bool or sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger
                or double or float or PyTuple or ITuple or PyGlobal or byte[]))
            {
                throw new ArgumentException($"cannot save a dict key of type {key.GetType().Name} at {path}", nameof(items));
            }

            if (inBatch == 0)
            {
                Op(PickleOpcodes.Mark);
            }

            Write(key, path);
            Write(value, path.Child(key));
            if (++inBatch == BatchSize)
            {
                Op(PickleOpcodes.SetItems);
                inBatch = 0;
            }
        }

        if (inBatch > 0)
        {
            Op(PickleOpcodes.SetItems);
        }

        if (state is not null)
        {
            Write(state, path.Child("__state__"));
            Op(PickleOpcodes.Build);
        }
    }

    private void WriteObject(PyObject obj, ValuePath path)
    {
        WriteGlobal(obj.Constructor.Module, obj.Constructor.Name);
        WriteTuple(obj.Arguments, path);
        Op(obj.CreatedWithNew ? PickleOpcodes.NewObj : PickleOpcodes.Reduce);
        if (obj.State is not null)
        {
            Write(obj.State, path.Child("__state__"));
            Op(PickleOpcodes.Build);
        }
    }

    private void WriteTensor(Tensor tensor, ValuePath path)
    {
        ScalarType dtype = tensor.Dtype;
        string storageType = StorageTypes.NameOf(dtype)
            ?? throw new ArgumentException($"cannot save tensor {path}: dtype {dtype.TorchName()} has no PyTorch storage class", nameof(tensor));
        if (_tensorMemo.TryGetValue(tensor, out int memo))
        {
            // The same tensor object again: one storage, and torch.load gives back one tensor object.
            WriteGet(memo);
            return;
        }

        long[] shape = tensor.Shape;
        long numel = tensor.NumElements;
        int key = _storages.Count;
        _storages.Add(tensor);

        var stride = new long[shape.Length];
        long step = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            stride[d] = step;
            step *= Math.Max(shape[d], 1);
        }

        WriteGlobal("torch._utils", "_rebuild_tensor_v2");
        Op(PickleOpcodes.Mark);
        Op(PickleOpcodes.Mark);
        WriteString("storage");
        WriteGlobal("torch", storageType);
        WriteString(key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteString("cpu");
        WriteInt(numel);
        Op(PickleOpcodes.Tuple);
        Op(PickleOpcodes.BinPersId);
        WriteInt(0);
        WriteTuple(PyTuple.Own([.. shape.Select(s => (object?)s)]), path);
        WriteTuple(PyTuple.Own([.. stride.Select(s => (object?)s)]), path);
        Op(PickleOpcodes.NewFalse); // state dicts hold detached tensors; torch.save(model.state_dict()) writes False
        WriteGlobal("collections", "OrderedDict");
        Op(PickleOpcodes.EmptyTuple);
        Op(PickleOpcodes.Reduce);
        Op(PickleOpcodes.Tuple);
        Op(PickleOpcodes.Reduce);
        _tensorMemo[tensor] = WritePut();
    }
}
