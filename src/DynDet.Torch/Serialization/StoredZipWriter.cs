using System.Buffers.Binary;
using System.Text;

namespace DynDet.Torch.Serialization;

/// <summary>
/// Writes a zip of uncompressed (stored) entries laid out as PyTorch's writer lays them out: each entry's
/// data starts at a multiple of 64 bytes (padding in an <c>FB</c> extra field), so a reader can map
/// storages in place. Switches to ZIP64 records only where sizes or offsets need them (or always, with
/// <c>forceZip64</c>, which the tests use to check that path against PyTorch's reader).
/// </summary>
internal sealed unsafe class StoredZipWriter
{
    private const int Alignment = 64;
    private const uint Max32 = uint.MaxValue;
    private const ushort DosDate1980 = (0 << 9) | (1 << 5) | 1; // 1980-01-01, the earliest a DOS date holds
    private readonly Stream _stream;
    private readonly bool _forceZip64;
    private readonly List<Entry> _entries = [];
    private long _position;

    public StoredZipWriter(Stream stream, bool forceZip64 = false)
    {
        _stream = stream;
        _forceZip64 = forceZip64;
    }

    /// <summary>Adds an entry holding <paramref name="data"/>.</summary>
    public void Add(string name, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            Add(name, p, data.Length);
        }
    }

    /// <summary>Adds an entry holding <paramref name="length"/> bytes at <paramref name="data"/> (native memory is fine).</summary>
    public void Add(string name, byte* data, long length)
    {
        uint crc = 0;
        for (long done = 0; done < length;)
        {
            int chunk = (int)Math.Min(length - done, 1 << 30);
            crc = Crc32.Append(crc, new ReadOnlySpan<byte>(data + done, chunk));
            done += chunk;
        }

        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        long offset = _position;
        bool zip64 = _forceZip64 || length >= Max32 || offset >= Max32;
        int zip64Extra = zip64 ? 4 + 16 : 0;
        int headerWithoutPad = 30 + nameBytes.Length + zip64Extra + 4;
        int pad = (int)((Alignment - ((offset + headerWithoutPad) % Alignment)) % Alignment);
        int extraLength = zip64Extra + 4 + pad;

        Span<byte> h = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], (ushort)(zip64 ? 45 : 20));
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0x0800); // names are UTF-8
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0); // stored
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], DosDate1980);
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], zip64 ? Max32 : (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], zip64 ? Max32 : (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)extraLength);
        Write(h);
        Write(nameBytes);
        Span<byte> extra = stackalloc byte[extraLength];
        int e = 0;
        if (zip64)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
            BinaryPrimitives.WriteInt64LittleEndian(extra[4..], length);
            BinaryPrimitives.WriteInt64LittleEndian(extra[12..], length);
            e = 20;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(extra[e..], 0x4246); // "FB", PyTorch's padding record
        BinaryPrimitives.WriteUInt16LittleEndian(extra[(e + 2)..], (ushort)pad);
        extra[(e + 4)..].Fill((byte)'Z');
        Write(extra);

        for (long done = 0; done < length;)
        {
            int chunk = (int)Math.Min(length - done, 1 << 30);
            Write(new ReadOnlySpan<byte>(data + done, chunk));
            done += chunk;
        }

        _entries.Add(new Entry(nameBytes, crc, length, offset));
    }

    /// <summary>Writes the central directory and the end records. The stream is left open.</summary>
    public void Finish()
    {
        long directoryStart = _position;
        foreach (var entry in _entries)
        {
            WriteCentralHeader(entry);
        }

        long directorySize = _position - directoryStart;
        bool zip64 = _forceZip64 || _entries.Count >= 0xFFFF || directoryStart >= Max32 || directorySize >= Max32;
        if (zip64)
        {
            long recordStart = _position;
            Span<byte> r = stackalloc byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(r, 0x06064b50);
            BinaryPrimitives.WriteInt64LittleEndian(r[4..], 56 - 12);
            BinaryPrimitives.WriteUInt16LittleEndian(r[12..], (3 << 8) | 45);
            BinaryPrimitives.WriteUInt16LittleEndian(r[14..], 45);
            BinaryPrimitives.WriteUInt32LittleEndian(r[16..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(r[20..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(r[24..], _entries.Count);
            BinaryPrimitives.WriteInt64LittleEndian(r[32..], _entries.Count);
            BinaryPrimitives.WriteInt64LittleEndian(r[40..], directorySize);
            BinaryPrimitives.WriteInt64LittleEndian(r[48..], directoryStart);
            Write(r);
            Span<byte> locator = stackalloc byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[4..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(locator[8..], recordStart);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1);
            Write(locator);
        }

        Span<byte> end = stackalloc byte[22];
        ushort count = zip64 ? (ushort)0xFFFF : (ushort)_entries.Count;
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], zip64 ? Max32 : (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], zip64 ? Max32 : (uint)directoryStart);
        BinaryPrimitives.WriteUInt16LittleEndian(end[20..], 0);
        Write(end);
    }

    private void WriteCentralHeader(Entry entry)
    {
        bool zip64 = _forceZip64 || entry.Length >= Max32 || entry.Offset >= Max32;
        int extraLength = zip64 ? 4 + 24 : 0;
        Span<byte> h = stackalloc byte[46];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], (ushort)((3 << 8) | (zip64 ? 45 : 20))); // made by Unix
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], (ushort)(zip64 ? 45 : 20));
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0x0800);
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[14..], DosDate1980);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], entry.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], zip64 ? Max32 : (uint)entry.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], zip64 ? Max32 : (uint)entry.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)entry.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[30..], (ushort)extraLength);
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[36..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[38..], 0x81A40000u); // regular file, rw-r--r--
        BinaryPrimitives.WriteUInt32LittleEndian(h[42..], zip64 ? Max32 : (uint)entry.Offset);
        Write(h);
        Write(entry.Name);
        if (zip64)
        {
            Span<byte> extra = stackalloc byte[28];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 24);
            BinaryPrimitives.WriteInt64LittleEndian(extra[4..], entry.Length);
            BinaryPrimitives.WriteInt64LittleEndian(extra[12..], entry.Length);
            BinaryPrimitives.WriteInt64LittleEndian(extra[20..], entry.Offset);
            Write(extra);
        }
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _position += bytes.Length;
    }

    private readonly record struct Entry(byte[] Name, uint Crc, long Length, long Offset);
}
