using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace DynDet.Torch.Serialization;

/// <summary>
/// A pickle virtual machine for what <c>torch.save</c> writes (protocol 2, plus the protocol 3–4 opcodes
/// for bytes, framing and memoizing). It runs no Python: classes become <see cref="PyGlobal"/> data, the
/// few PyTorch rebuild functions become <see cref="PendingTensor"/>s, other classes become
/// <see cref="PyObject"/> records. Tensor-making functions and storage classes it does not know are
/// refused, because reading them as opaque objects would silently drop tensors.
/// </summary>
/// <remarks>
/// Files come from strangers, so what a pickle can make is bounded: at most
/// <see cref="MaxValuesPerStoredByte"/> values per byte the file stores for data.pkl (a plain pickle
/// makes about one per opcode; more means a compressed data.pkl expands into a bomb), every length is
/// checked against the bytes present before anything is allocated, dict keys are scalars or small
/// tuples of them, and the finished value must pass <see cref="NestingCheck"/> (depth, no cycles).
/// </remarks>
internal sealed class PickleReader
{
    private readonly byte[] _data;
    private readonly string _source;
    /// <summary>How many values (pushed, stored in a container or memoized) a pickle may make per stored byte: 8.</summary>
    public const int MaxValuesPerStoredByte = 8;

    /// <summary>The most items a tuple used as a dict key may hold, nested tuples' items included: 1000.</summary>
    public const int MaxKeyItems = 1000;

    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private readonly Dictionary<string, StorageRecord> _storages = new(StringComparer.Ordinal);
    private readonly long _storedBytes;
    private readonly long _maxValues;
    private long _values;
    private int _pos;
    private int _opStart;

    /// <param name="data">The bytes of data.pkl.</param>
    /// <param name="source">The checkpoint file, for messages.</param>
    /// <param name="storedBytes">The bytes the file holds for data.pkl (its compressed size; its length when stored, as torch.save stores it).</param>
    public PickleReader(byte[] data, string source, long storedBytes)
    {
        _data = data;
        _source = source;
        _storedBytes = storedBytes;
        _maxValues = (MaxValuesPerStoredByte * Math.Max(storedBytes, 0)) + 4096;
    }

    /// <summary>Runs the pickle to its STOP and returns the value it built.</summary>
    public object? Read()
    {
        while (true)
        {
            _opStart = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case PickleOpcodes.Proto:
                    byte protocol = ReadByte();
                    if (protocol > 5)
                    {
                        throw Malformed($"pickle protocol {protocol} is newer than 5");
                    }

                    break;
                case PickleOpcodes.Frame:
                {
                    long frame = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
                    if (frame < 0 || frame > _data.Length - _pos)
                    {
                        throw Malformed($"a {frame}-byte frame runs past the end of data.pkl (truncated?)");
                    }

                    break;
                }

                case PickleOpcodes.Stop:
                    if (_stack.Count != 1 || _marks.Count != 0)
                    {
                        throw Malformed("ends with " + _stack.Count + " values on the stack");
                    }

                {
                    object? root = Pop();
                    NestingCheck.Run(root, _source);
                    return root;
                }

                case PickleOpcodes.None:
                    Push(null);
                    break;
                case PickleOpcodes.NewTrue:
                    Push(true);
                    break;
                case PickleOpcodes.NewFalse:
                    Push(false);
                    break;
                case PickleOpcodes.BinInt:
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                    break;
                case PickleOpcodes.BinInt1:
                    Push((long)ReadByte());
                    break;
                case PickleOpcodes.BinInt2:
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                    break;
                case PickleOpcodes.Long1:
                    Push(DecodeLong(Take(ReadByte())));
                    break;
                case PickleOpcodes.Long4:
                    Push(DecodeLong(Take(ReadLength(4))));
                    break;
                case PickleOpcodes.BinFloat:
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;
                case PickleOpcodes.BinUnicode:
                case PickleOpcodes.BinString:
                    Push(DecodeString(Take(ReadLength(4))));
                    break;
                case PickleOpcodes.ShortBinUnicode:
                case PickleOpcodes.ShortBinString:
                    Push(DecodeString(Take(ReadByte())));
                    break;
                case PickleOpcodes.BinUnicode8:
                    Push(DecodeString(Take(ReadLength(8))));
                    break;
                case PickleOpcodes.BinBytes:
                    Push(Take(ReadLength(4)).ToArray());
                    break;
                case PickleOpcodes.ShortBinBytes:
                    Push(Take(ReadByte()).ToArray());
                    break;
                case PickleOpcodes.BinBytes8:
                    Push(Take(ReadLength(8)).ToArray());
                    break;
                case PickleOpcodes.EmptyDict:
                    Push(new PyDict());
                    break;
                case PickleOpcodes.EmptyList:
                    Push(new List<object?>());
                    break;
                case PickleOpcodes.EmptyTuple:
                    Push(PyTuple.Empty);
                    break;
                case PickleOpcodes.Mark:
                    _marks.Push(_stack.Count);
                    break;
                case PickleOpcodes.Tuple:
                    Push(PyTuple.Own(PopToMark()));
                    break;
                case PickleOpcodes.Tuple1:
                    Push(PyTuple.Own([Pop()]));
                    break;
                case PickleOpcodes.Tuple2:
                {
                    object? b = Pop();
                    object? a = Pop();
                    Push(PyTuple.Own([a, b]));
                    break;
                }

                case PickleOpcodes.Tuple3:
                {
                    object? c = Pop();
                    object? b = Pop();
                    object? a = Pop();
                    Push(PyTuple.Own([a, b, c]));
                    break;
                }

                case PickleOpcodes.List:
                    Push(new List<object?>(Stored(PopToMark())));
                    break;
                case PickleOpcodes.Dict:
                {
                    var dict = new PyDict();
                    SetItems(dict, PopToMark());
                    Push(dict);
                    break;
                }

                case PickleOpcodes.Append:
                {
                    object? item = Pop();
                    CountValues(1);
                    TopAs<List<object?>>("APPEND").Add(item);
                    break;
                }

                case PickleOpcodes.Appends:
                {
                    object?[] items = PopToMark();
                    TopAs<List<object?>>("APPENDS").AddRange(Stored(items));
                    break;
                }

                case PickleOpcodes.SetItem:
                {
                    object? value = Pop();
                    object? key = Pop();
                    SetItems(TopAs<PyDict>("SETITEM"), [key, value]);
                    break;
                }

                case PickleOpcodes.SetItems:
                {
                    object?[] pairs = PopToMark();
                    SetItems(TopAs<PyDict>("SETITEMS"), pairs);
                    break;
                }

                case PickleOpcodes.Global:
                {
                    string module = ReadLine();
                    string name = ReadLine();
                    Push(ResolveGlobal(module, name));
                    break;
                }

                case PickleOpcodes.StackGlobal:
                {
                    string name = PopAs<string>("STACK_GLOBAL name");
                    string module = PopAs<string>("STACK_GLOBAL module");
                    Push(ResolveGlobal(module, name));
                    break;
                }

                case PickleOpcodes.Reduce:
                {
                    var args = PopAs<PyTuple>("REDUCE arguments");
                    object? callable = Pop();
                    Push(Reduce(callable, args));
                    break;
                }

                case PickleOpcodes.NewObj:
                {
                    var args = PopAs<PyTuple>("NEWOBJ arguments");
                    var cls = PopAs<PyGlobal>("NEWOBJ class");
                    Push(cls.FullName == "collections.OrderedDict"
                        ? new PyDict { IsOrderedDict = true }
                        : new PyObject(cls, args, createdWithNew: true));
                    break;
                }

                case PickleOpcodes.Build:
                {
                    object? state = Pop();
                    Build(Peek(), state);
                    break;
                }

                case PickleOpcodes.BinPersId:
                    Push(PersistentLoad(Pop()));
                    break;
                case PickleOpcodes.BinPut:
                    Memoize(ReadByte());
                    break;
                case PickleOpcodes.LongBinPut:
                    Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)));
                    break;
                case PickleOpcodes.Memoize:
                    Memoize(_memo.Count);
                    break;
                case PickleOpcodes.BinGet:
                    Push(MemoGet(ReadByte()));
                    break;
                case PickleOpcodes.LongBinGet:
                    Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))));
                    break;
                case PickleOpcodes.Pop:
                    if (_marks.Count > 0 && _marks.Peek() == _stack.Count)
                    {
                        _marks.Pop();
                    }
                    else
                    {
                        Pop();
                    }

                    break;
                case PickleOpcodes.PopMark:
                    PopToMark();
                    break;
                case PickleOpcodes.Dup:
                    Push(Peek());
                    break;
                default:
                    throw new InputException(
                        $"{_source}: unsupported pickle opcode 0x{op:x2} at byte {_opStart} of data.pkl " +
                        "(DynDet reads what torch.save writes)");
            }
        }
    }

    private InputException Malformed(string what) =>
        new($"{_source}: data.pkl is malformed at byte {_opStart}: {what}");

    private InputException Unsupported(string what) => new($"{_source}: {what}");

    // ---- input ----

    private byte ReadByte()
    {
        if (_pos >= _data.Length)
        {
            throw Malformed("it ends before its STOP opcode (truncated?)");
        }

        return _data[_pos++];
    }

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > _data.Length - _pos)
        {
            throw Malformed($"a {count}-byte argument runs past the end of data.pkl (truncated?)");
        }

        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private long ReadLength(int bytes)
    {
        ReadOnlySpan<byte> raw = Take(bytes);
        long length = bytes == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(raw) : BinaryPrimitives.ReadInt64LittleEndian(raw);
        return length;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0)
        {
            throw Malformed("a GLOBAL name runs past the end of data.pkl (truncated?)");
        }

        string line = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return line;
    }

    private string DecodeString(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("a string is not valid UTF-8");
        }
    }

    private static object DecodeLong(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return 0L;
        }

        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        // (object) keeps the conditional from widening the long back to BigInteger.
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    // ---- stack ----

    private void Push(object? value)
    {
        CountValues(1);
        _stack.Add(value);
    }

    private void Memoize(long index)
    {
        object? value = Peek();
        CountValues(1);
        _memo[index] = value;
    }

    /// <summary>Counts values stored into a container (they may have been pushed once already).</summary>
    private object?[] Stored(object?[] items)
    {
        CountValues(items.Length);
        return items;
    }

    private void CountValues(long count)
    {
        _values += count;
        if (_values > _maxValues)
        {
            throw new InputException(
                $"{_source}: data.pkl makes more than {_maxValues} values from the {_storedBytes} bytes the file " +
                $"stores for it (more than {MaxValuesPerStoredByte} per byte: a compressed pickle bomb?)");
        }
    }

    private object? Pop()
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor)
        {
            throw Malformed("stack underflow");
        }

        object? value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor)
        {
            throw Malformed("stack underflow");
        }

        return _stack[^1];
    }

    private T PopAs<T>(string what)
    {
        object? value = Pop();
        return value is T typed ? typed : throw Malformed($"{what} is {Describe(value)}");
    }

    private T TopAs<T>(string opcode)
    {
        object? value = Peek();
        return value is T typed ? typed : throw Malformed($"{opcode} applied to {Describe(value)}");
    }

    private object?[] PopToMark()
    {
        if (_marks.Count == 0)
        {
            throw Malformed("no MARK on the stack");
        }

        int start = _marks.Pop();
        object?[] items = _stack.GetRange(start, _stack.Count - start).ToArray();
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out object? value) ? value : throw Malformed($"memo entry {index} was never stored");

    // ---- objects ----

    private void SetItems(PyDict dict, object?[] pairs)
    {
        if (pairs.Length % 2 != 0)
        {
            throw Malformed("SETITEMS with an odd number of items");
        }

        CountValues(pairs.Length / 2);
        for (int k = 0; k < pairs.Length; k += 2)
        {
            object key = pairs[k] switch
            {
                string or long or double or bool or BigInteger or PyGlobal => pairs[k]!,
                PyTuple tuple => CheckKey(tuple),
                var other => throw Unsupported($"a dict key of type {Describe(other)} is not supported"),
            };
            dict[key] = pairs[k + 1];
        }
    }

    /// <summary>
    /// A tuple key must hold what Python can hash by value (scalars, tuples of them) and be small: hashing
    /// and comparing it then costs little, however a hostile pickle shares its sub-tuples.
    /// </summary>
    private PyTuple CheckKey(PyTuple key)
    {
        if (key.ExpandedSize > MaxKeyItems)
        {
            throw Unsupported(
                $"a dict key is a tuple of more than {MaxKeyItems} items (nested tuples' items counted each time they occur)");
        }

        var pending = new Stack<PyTuple>();
        pending.Push(key);
        while (pending.Count > 0)
        {
            foreach (object? item in pending.Pop())
            {
                switch (item)
                {
                    case PyTuple inner:
                        pending.Push(inner);
                        break;
                    case null or string or long or double or bool or BigInteger or PyGlobal:
                        break;
                    default:
                        throw Unsupported($"a dict key is a tuple holding {Describe(item)}, which DynDet does not read as a key");
                }
            }
        }

        return key;
    }

    private PyGlobal ResolveGlobal(string module, string name)
    {
        if (module == "torch._utils" && name is not ("_rebuild_tensor_v2" or "_rebuild_parameter"
                or "_rebuild_parameter_with_state" or "_rebuild_from_type_v2"))
        {
            throw Unsupported($"unsupported tensor kind '{module}.{name}' (DynDet reads dense tensors only)");
        }

        if (module == "torch" && name.EndsWith("Storage", StringComparison.Ordinal) && StorageTypes.DtypeOf(name) is null)
        {
            throw Unsupported($"unsupported storage type 'torch.{name}'");
        }

        return new PyGlobal(module == "__builtin__" ? "builtins" : module, name);
    }

    private object? Reduce(object? callable, PyTuple args)
    {
        if (callable is not PyGlobal function)
        {
            throw Malformed($"REDUCE calls {Describe(callable)}");
        }

        switch (function.FullName)
        {
            case "collections.OrderedDict":
            {
                var dict = new PyDict { IsOrderedDict = true };
                if (args.Count == 1 && args[0] is List<object?> items)
                {
                    foreach (object? item in items)
                    {
                        if (item is not PyTuple { Count: 2 } pair)
                        {
                            throw Malformed("OrderedDict items are not pairs");
                        }

                        SetItems(dict, [pair[0], pair[1]]);
                    }
                }
                else if (args.Count != 0)
                {
                    throw Malformed("OrderedDict with unexpected arguments");
                }

                return dict;
            }

            case "torch._utils._rebuild_tensor_v2":
                return RebuildTensor(args);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
            {
                if (args.Count < 2 || args[0] is not PendingTensor data || args[1] is not bool requiresGrad)
                {
                    throw Malformed("_rebuild_parameter with unexpected arguments");
                }

                data.RequiresGrad = requiresGrad;
                return data;
            }

            case "torch._utils._rebuild_from_type_v2":
            {
                if (args.Count != 4 || args[1] is not PyGlobal type || args[2] is not PyTuple innerArgs)
                {
                    throw Malformed("_rebuild_from_type_v2 with unexpected arguments");
                }

                if (type.FullName is not ("torch._tensor.Tensor" or "torch.Tensor" or "torch.nn.parameter.Parameter"))
                {
                    throw Unsupported($"unsupported tensor subclass '{type.FullName}'");
                }

                return Reduce(args[0], innerArgs);
            }

            case "_codecs.encode":
                if (args.Count == 2 && args[0] is string text && args[1] is string encoding &&
                    encoding.Replace("-", string.Empty, StringComparison.Ordinal) is "latin1" or "iso88591")
                {
                    var bytes = new byte[text.Length];
                    for (int k = 0; k < text.Length; k++)
                    {
                        if (text[k] > 0xFF)
                        {
                            throw Malformed("latin-1 bytes with a character above U+00FF");
                        }

                        bytes[k] = (byte)text[k];
                    }

                    return bytes;
                }

                throw Malformed("_codecs.encode with unexpected arguments");
            case "builtins.bytes" when args.Count == 0:
                return Array.Empty<byte>();
            case "torch.Size" when args.Count == 1 && args[0] is PyTuple dims:
                return dims;
            default:
                return new PyObject(function, args);
        }
    }

    private PendingTensor RebuildTensor(PyTuple args)
    {
        if (args.Count < 6 || args[0] is not StorageRecord storage || args[1] is not long offset ||
            args[2] is not PyTuple size || args[3] is not PyTuple stride || args[4] is not bool requiresGrad)
        {
            throw Malformed("_rebuild_tensor_v2 with unexpected arguments");
        }

        if (size.Count != stride.Count)
        {
            throw Malformed($"a tensor has {size.Count} sizes but {stride.Count} strides");
        }

        return new PendingTensor(storage, offset, ToLongs(size, "size"), ToLongs(stride, "stride"), requiresGrad);
    }

    private long[] ToLongs(PyTuple tuple, string what)
    {
        var values = new long[tuple.Count];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = tuple[k] is long v ? v : throw Malformed($"a tensor {what} holds {Describe(tuple[k])}");
        }

        return values;
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case PyDict dict:
                dict.State = state;
                break;
            case PyObject obj:
                obj.State = state;
                break;
            case PendingTensor when state is null || state is PyDict { Count: 0 }:
                break;
            default:
                throw Unsupported($"setting state on {Describe(target)} is not supported");
        }
    }

    private StorageRecord PersistentLoad(object? pid)
    {
        if (pid is not PyTuple { Count: >= 5 } t || t[0] is not "storage")
        {
            throw Unsupported($"unsupported persistent id {Describe(pid)} (not a torch.save storage)");
        }

        if (t[1] is not PyGlobal { Module: "torch" } type || t[2] is not string key || t[4] is not long numel || numel < 0)
        {
            throw Malformed("a storage persistent id with unexpected fields");
        }

        ScalarType dtype = StorageTypes.DtypeOf(type.Name) ?? throw Unsupported($"unsupported storage type '{type.FullName}'");
        if (_storages.TryGetValue(key, out var known))
        {
            if (known.Dtype != dtype || known.Numel != numel)
            {
                throw Unsupported($"storage '{key}' is used as both {known.Dtype.TorchName()} and {dtype.TorchName()}");
            }

            return known;
        }

        var record = new StorageRecord(key, dtype, numel);
        _storages[key] = record;
        return record;
    }

    /// <summary>A short description of a value for messages.</summary>
    internal static string Describe(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long or BigInteger or double => "a number (" + Convert.ToString(value, CultureInfo.InvariantCulture) + ")",
        string s => "a string ('" + (s.Length > 40 ? s[..40] + "…" : s) + "')",
        byte[] => "bytes",
        List<object?> => "a list",
        PyTuple => "a tuple",
        PyDict => "a dict",
        PyGlobal g => "the class or function " + g.FullName,
        PyObject o => "a " + o.Constructor.FullName + " object",
        PendingTensor or Tensor => "a tensor",
        StorageRecord => "a storage",
        _ => value.GetType().Name,
    };
}
