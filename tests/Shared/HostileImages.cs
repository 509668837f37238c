using System.Buffers.Binary;

namespace DynDet.TestSupport;

/// <summary>
/// Builders of small hostile image files, written byte by byte (no encoder involved, so each one is exactly
/// the case it names): headers declaring huge images, a progressive JPEG cut in the middle of its first scan,
/// an empty file. For the decoder's tests and for end-to-end runs through <c>./dyndet</c>.
/// </summary>
public static class HostileImages
{
    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>
    /// Writes a PNG of about 60 bytes whose IHDR declares an 8-bit RGB image of <paramref name="width"/> ×
    /// <paramref name="height"/> pixels (each 1 to 2^31 − 1), followed by an empty IDAT and IEND; valid CRCs.
    /// </summary>
    public static void WriteHugePng(string path, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var bytes = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;    // bit depth
        ihdr[9] = 2;    // colour type RGB; compression, filter, interlace 0
        AddChunk(bytes, "IHDR", ihdr);
        AddChunk(bytes, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);   // zlib of nothing
        AddChunk(bytes, "IEND", []);
        File.WriteAllBytes(path, [.. bytes]);
    }

    /// <summary>
    /// Writes a JPEG of about 100 bytes whose frame header (SOF0, or SOF2 when <paramref name="progressive"/>)
    /// declares a 3-component image of <paramref name="width"/> × <paramref name="height"/> pixels (each 1 to
    /// 65500, libjpeg's maximum), with a quantisation table, a scan header, two bytes of data and EOI.
    /// </summary>
    public static void WriteHugeJpeg(string path, int width, int height, bool progressive = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 65500);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 65500);
        var bytes = new List<byte> { 0xFF, 0xD8 };
        AddQuantTable(bytes);
        // Frame: precision 8, height, width, 3 components (Y 2x2, Cb 1x1, Cr 1x1), all on table 0.
        AddSegment(bytes, progressive ? (byte)0xC2 : (byte)0xC0,
            [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0]);
        AddDcTable(bytes);
        // Scan of the three components' DC coefficients (valid for baseline and progressive alike).
        AddSegment(bytes, 0xDA, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, progressive ? (byte)0 : (byte)63, 0]);
        bytes.AddRange([0x00, 0x00, 0xFF, 0xD9]);
        File.WriteAllBytes(path, [.. bytes]);
    }

    /// <summary>
    /// Writes a 256 × 256 greyscale progressive JPEG (SOF2) cut halfway through its first scan (the DC scan):
    /// the headers are complete and valid, half the scan's data is there, the later scans and EOI are not.
    /// </summary>
    public static void WriteTruncatedProgressiveJpeg(string path) => WriteProgressiveJpeg(path, complete: false);

    /// <summary>
    /// Writes the file of <see cref="WriteTruncatedProgressiveJpeg"/> whole: its DC scan complete, then EOI (a
    /// progressive JPEG may stop after any scan). Every coefficient is 0, so it decodes to mid-grey (128); tests
    /// use it to show that the truncation, not the rest of the file, is what fails.
    /// </summary>
    public static void WriteCompleteProgressiveJpeg(string path) => WriteProgressiveJpeg(path, complete: true);

    /// <summary>Writes an empty (zero-byte) file.</summary>
    public static void WriteEmptyFile(string path) => File.WriteAllBytes(path, []);

    private static void WriteProgressiveJpeg(string path, bool complete)
    {
        const int side = 256;
        var bytes = new List<byte> { 0xFF, 0xD8 };
        AddQuantTable(bytes);
        AddSegment(bytes, 0xC2, [8, side >> 8, side & 0xFF, side >> 8, side & 0xFF, 1, 1, 0x11, 0]);
        AddDcTable(bytes);
        AddSegment(bytes, 0xDA, [1, 1, 0x00, 0, 0, 0]);   // DC first scan: Ss = Se = 0, Ah = Al = 0
        // Each 8x8 block's DC difference is 0: code "0" (1 bit) of the table below. The complete scan would be
        // (256 / 8)^2 = 1024 bits = 128 bytes; the truncated file has only the first half.
        const int scanBytes = side / 8 * (side / 8) / 8;
        bytes.AddRange(new byte[complete ? scanBytes : scanBytes / 2]);
        if (complete)
        {
            bytes.AddRange([0xFF, 0xD9]);
        }

        File.WriteAllBytes(path, [.. bytes]);
    }

    private static void AddQuantTable(List<byte> bytes)
    {
        var table = new byte[65];   // table 0, 8-bit precision, all ones
        Array.Fill(table, (byte)1, 1, 64);
        AddSegment(bytes, 0xDB, table);
    }

    // DC Huffman table 0 with a single 1-bit code for category 0 (difference 0).
    private static void AddDcTable(List<byte> bytes)
    {
        var table = new byte[1 + 16 + 1];
        table[1] = 1;    // one code of length 1; its symbol (category 0) is the last byte, 0
        AddSegment(bytes, 0xC4, table);
    }

    private static void AddSegment(List<byte> bytes, byte marker, byte[] payload)
    {
        int length = payload.Length + 2;
        bytes.AddRange([0xFF, marker, (byte)(length >> 8), (byte)length]);
        bytes.AddRange(payload);
    }

    private static void AddChunk(List<byte> bytes, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        for (int k = 0; k < 4; k++)
        {
            head[4 + k] = (byte)type[k];
        }

        bytes.AddRange(head);
        bytes.AddRange(data);
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in head.AsSpan(4).ToArray().Concat(data))
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        var tail = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc ^ 0xFFFFFFFFu);
        bytes.AddRange(tail);
    }

    // The CRC-32 of PNG (ISO 3309, reflected polynomial 0xEDB88320).
    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
