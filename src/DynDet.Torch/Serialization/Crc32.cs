using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DynDet.Torch.Serialization;

/// <summary>
/// The zip CRC-32 (polynomial 0xEDB88320): zip readers (PyTorch's miniz, Python's zipfile) check it, and
/// the framework exposes no implementation. On x86 with PCLMULQDQ it folds 64 bytes per step with
/// carry-less multiplies (Intel's "Fast CRC Computation Using PCLMULQDQ", the constants zlib/Chromium
/// use), several GB/s; elsewhere, and for the tail, slicing-by-8 tables.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> (start with 0) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        if (Pclmulqdq.IsSupported && data.Length >= 64)
        {
            int folded = data.Length & ~15;
            crc = ~Fold(~crc, data[..folded]);
            data = data[folded..];
        }

        return AppendScalar(crc, data);
    }

    /// <summary>The table-driven CRC (exposed for tests that check the folded one against it).</summary>
    internal static uint AppendScalar(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t = Table;
        uint c = ~crc;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint a = c ^ (uint)(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
            uint b = (uint)(data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24));
            c = t[(7 * 256) + (a & 0xFF)] ^ t[(6 * 256) + ((a >> 8) & 0xFF)] ^ t[(5 * 256) + ((a >> 16) & 0xFF)] ^
                t[(4 * 256) + (a >> 24)] ^ t[(3 * 256) + (b & 0xFF)] ^ t[(2 * 256) + ((b >> 8) & 0xFF)] ^
                t[256 + ((b >> 16) & 0xFF)] ^ t[b >> 24];
        }

        for (; i < data.Length; i++)
        {
            c = t[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    // Takes and returns the CRC register un-inverted; data.Length is a multiple of 16 and at least 64.
    private static uint Fold(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<Vector128<ulong>> blocks = MemoryMarshal.Cast<byte, Vector128<ulong>>(data);
        Vector128<ulong> k1k2 = Vector128.Create(0x0154442bd4UL, 0x01c6e41596UL);
        Vector128<ulong> k3k4 = Vector128.Create(0x01751997d0UL, 0x00ccaa009eUL);
        Vector128<ulong> k5k0 = Vector128.Create(0x0163cd6124UL, 0UL);
        Vector128<ulong> poly = Vector128.Create(0x01db710641UL, 0x01f7011641UL);
        Vector128<ulong> mask32 = Vector128.Create(~0u, 0u, ~0u, 0u).AsUInt64();

        Vector128<ulong> x1 = blocks[0] ^ Vector128.CreateScalar(crc).AsUInt64();
        Vector128<ulong> x2 = blocks[1];
        Vector128<ulong> x3 = blocks[2];
        Vector128<ulong> x4 = blocks[3];
        int i = 4;
        for (; i + 4 <= blocks.Length; i += 4)
        {
            x1 = FoldStep(x1, k1k2, blocks[i]);
            x2 = FoldStep(x2, k1k2, blocks[i + 1]);
            x3 = FoldStep(x3, k1k2, blocks[i + 2]);
            x4 = FoldStep(x4, k1k2, blocks[i + 3]);
        }

        x1 = FoldStep(x1, k3k4, x2);
        x1 = FoldStep(x1, k3k4, x3);
        x1 = FoldStep(x1, k3k4, x4);
        for (; i < blocks.Length; i++)
        {
            x1 = FoldStep(x1, k3k4, blocks[i]);
        }

        // 128 → 64 bits.
        Vector128<ulong> t2 = Pclmulqdq.CarrylessMultiply(x1, k3k4, 0x10);
        x1 = Sse2.ShiftRightLogical128BitLane(x1, 8) ^ t2;
        t2 = Sse2.ShiftRightLogical128BitLane(x1, 4);
        x1 = Pclmulqdq.CarrylessMultiply(x1 & mask32, k5k0, 0x00) ^ t2;

        // Barrett reduction to 32 bits.
        t2 = Pclmulqdq.CarrylessMultiply(x1 & mask32, poly, 0x10);
        t2 = Pclmulqdq.CarrylessMultiply(t2 & mask32, poly, 0x00);
        return (x1 ^ t2).AsUInt32().GetElement(1);
    }

    private static Vector128<ulong> FoldStep(Vector128<ulong> x, Vector128<ulong> k, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11) ^ next;

    private static uint[] BuildTable()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            t[n] = c;
        }

        for (int s = 1; s < 8; s++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint prev = t[((s - 1) * 256) + n];
                t[(s * 256) + n] = t[prev & 0xFF] ^ (prev >> 8);
            }
        }

        return t;
    }
}
