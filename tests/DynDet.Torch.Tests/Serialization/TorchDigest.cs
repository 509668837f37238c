using DynDet.TestSupport;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DynDet.Torch.Native;
using DynDet.Torch.Serialization;

namespace DynDet.Torch.Tests.Serialization;

/// <summary>
/// The C# half of tests/fixtures/torch_digest.py: the same canonical JSON of a checkpoint value, so what
/// DynDet reads can be compared with what Python saved, and what DynDet wrote with what Python reads.
/// </summary>
internal static class TorchDigest
{
    public static JsonNode Of(object? value, bool layout = false) => Digest(value, layout, []);

    /// <summary>The first difference between two digests as "path: expected … but got …", or null when equal.</summary>
    public static string? Difference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case JsonObject eo when actual is JsonObject ao:
                foreach (var (key, value) in eo)
                {
                    if (!ao.ContainsKey(key))
                    {
                        return $"{path}.{key}: missing";
                    }

                    string? d = Difference(value, ao[key], $"{path}.{key}");
                    if (d is not null)
                    {
                        return d;
                    }
                }

                var extra = ao.Select(p => p.Key).FirstOrDefault(k => !eo.ContainsKey(k));
                return extra is null ? null : $"{path}.{extra}: unexpected";
            case JsonArray ea when actual is JsonArray aa:
                if (ea.Count != aa.Count)
                {
                    return $"{path}: {ea.Count} items expected, {aa.Count} found";
                }

                for (int k = 0; k < ea.Count; k++)
                {
                    string? d = Difference(ea[k], aa[k], $"{path}[{k}]");
                    if (d is not null)
                    {
                        return d;
                    }
                }

                return null;
            default:
                string e = expected?.ToJsonString() ?? "null";
                string a = actual?.ToJsonString() ?? "null";
                return e == a ? null : $"{path}: expected {e} but got {a}";
        }
    }

    /// <summary>Asserts two digests are equal, reporting the first difference.</summary>
    public static void AssertSame(JsonNode? expected, JsonNode? actual, string what)
    {
        string? difference = Difference(expected, actual);
        Assert.True(difference is null, $"{what}: {difference}");
    }

    /// <summary>A digest without the layout fields (stride, offset, storage), for files DynDet wrote.</summary>
    public static JsonNode WithoutLayout(JsonNode node)
    {
        var copy = node.DeepClone();
        Strip(copy);
        return copy;

        static void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                o.Remove("stride");
                o.Remove("offset");
                o.Remove("storage");
                foreach (var (_, v) in o)
                {
                    Strip(v);
                }
            }
            else if (n is JsonArray a)
            {
                foreach (var v in a)
                {
                    Strip(v);
                }
            }
        }
    }

    private static JsonNode Tagged(string t, string key, JsonNode? value) => new JsonObject { ["t"] = t, [key] = value };

    private static JsonNode Digest(object? value, bool layout, Dictionary<long, int> storages) => value switch
    {
        null => new JsonObject { ["t"] = "none" },
        bool b => Tagged("bool", "v", b),
        sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger =>
            Tagged("int", "v", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
        double d => Tagged("float", "bits", BitConverter.DoubleToInt64Bits(d).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        float f => Digest((double)f, layout, storages),
        string s => Tagged("str", "v", s),
        byte[] bytes => Tagged("bytes", "hex", Convert.ToHexStringLower(bytes)),
        Tensor t => TensorDigest(t, layout, storages),
        PyTuple tuple => Tagged("tuple", "v", Items(tuple, layout, storages)),
        ITuple tuple => Tagged("tuple", "v", Items(Enumerable.Range(0, tuple.Length).Select(k => tuple[k]), layout, storages)),
        PyDict dict => Tagged(dict.IsOrderedDict ? "odict" : "dict", "v",
            Pairs(dict.Select(p => (p.Key, p.Value)), layout, storages)),
        PyObject obj => new JsonObject { ["t"] = "object", ["class"] = obj.Constructor.FullName },
        IEnumerable<KeyValuePair<string, Tensor>> sd => Tagged("odict", "v",
            Pairs(sd.Select(p => ((object)p.Key, (object?)p.Value)), layout, storages)),
        IDictionary dict => Tagged("dict", "v",
            Pairs(Entries(dict), layout, storages)),
        IEnumerable list => Tagged("list", "v", Items(list.Cast<object?>(), layout, storages)),
        _ => throw new ArgumentException("no digest for " + value.GetType().Name),
    };

    private static IEnumerable<(object Key, object? Value)> Entries(IDictionary dict)
    {
        IDictionaryEnumerator e = dict.GetEnumerator();
        while (e.MoveNext())
        {
            yield return (e.Key, e.Value);
        }
    }

    private static JsonArray Items(IEnumerable<object?> items, bool layout, Dictionary<long, int> storages) =>
        new([.. items.Select(i => Digest(i, layout, storages))]);

    private static JsonArray Pairs(IEnumerable<(object Key, object? Value)> pairs, bool layout, Dictionary<long, int> storages) =>
        new([.. pairs.Select(p => (JsonNode)new JsonArray(Digest(p.Key, layout, storages), Digest(p.Value, layout, storages)))]);

    private static unsafe JsonNode TensorDigest(Tensor t, bool layout, Dictionary<long, int> storages)
    {
        int elementSize = t.Dtype.ElementSize();
        var bytes = new byte[t.NumElements * elementSize];
        fixed (byte* p = bytes)
        {
            Assert.Equal(0, NativeMethods.dd_tensor_copy_to(t.RawHandle, p, bytes.Length));
        }

        var node = new JsonObject
        {
            ["t"] = "tensor",
            ["dtype"] = t.Dtype.TorchName()["torch.".Length..],
            ["shape"] = new JsonArray([.. t.Shape.Select(s => (JsonNode)s)]),
            ["requires_grad"] = t.RequiresGrad,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        };
        if (layout)
        {
            long basePointer = (long)NativeMethods.dd_tensor_data_ptr(t.RawHandle) - (t.StorageOffset * elementSize);
            if (!storages.TryGetValue(basePointer, out int id))
            {
                id = storages.Count;
                storages[basePointer] = id;
            }

            node["stride"] = new JsonArray([.. t.Strides.Select(s => (JsonNode)s)]);
            node["offset"] = t.StorageOffset;
            node["storage"] = id;
        }

        GC.KeepAlive(t);
        return node;
    }
}
