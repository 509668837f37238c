using System.Buffers.Binary;
using System.Text.Json;
using DynDet.Torch;

namespace DynDet.TestSupport;

/// <summary>
/// Reads the tensor packs written by tests/fixtures/fixture_io.py: an 8-byte little-endian header length,
/// a JSON header <c>{name: {dtype, shape, offset, nbytes}}</c>, then the raw little-endian data. A format of
/// the tests' own, so parity fixtures do not depend on the checkpoint code they may be testing.
/// </summary>
public static class FixturePack
{
    /// <summary>Loads every tensor of the pack; the tensors follow the caller's dispose scope.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        int dataStart = 8 + (int)headerLength;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            int offset = dataStart + entry.Value.GetProperty("offset").GetInt32();
            int length = entry.Value.GetProperty("nbytes").GetInt32();
            var data = bytes.AsSpan(offset, length);
            result[entry.Name] = dtype switch
            {
                "float32" => Tensor.FromSpan<float>(Cast<float>(data), shape),
                "float64" => Tensor.FromSpan<double>(Cast<double>(data), shape),
                "int64" => Tensor.FromSpan<long>(Cast<long>(data), shape),
                "int32" => Tensor.FromSpan<int>(Cast<int>(data), shape),
                "uint8" => Tensor.FromSpan<byte>(data, shape),
                "bool" => Tensor.FromSpan<bool>(Cast<bool>(data), shape),
                _ => throw new NotSupportedException($"{path}: dtype {dtype} of '{entry.Name}'"),
            };
        }

        return result;
    }

    private static ReadOnlySpan<T> Cast<T>(Span<byte> data)
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(data);
}
