using System.IO.Compression;

namespace DynDet.Visualization;

/// <summary>
/// A Linux console bitmap font (PSF1 or PSF2, optionally gzipped), as Debian's <c>kbd</c> package installs in
/// <c>/usr/share/consolefonts</c>: fixed-size 1-bit glyphs with a Unicode table. Used to label detections.
/// </summary>
public sealed class BitmapFont
{
    /// <summary>The font DynDet draws with (bold Terminus, 8×16, Latin; from Debian's <c>kbd</c>).</summary>
    public const string DefaultPath = "/usr/share/consolefonts/Lat15-TerminusBold16.psf.gz";

    private static readonly Lazy<BitmapFont> DefaultFont = new(() => Load(DefaultPath));
    private readonly byte[] _glyphs;
    private readonly int _bytesPerRow;
    private readonly int _bytesPerGlyph;
    private readonly Dictionary<int, int> _map;
    private readonly int _fallback;

    private BitmapFont(byte[] glyphs, int count, int width, int height, Dictionary<int, int> map)
    {
        _glyphs = glyphs;
        Width = width;
        Height = height;
        _bytesPerRow = (width + 7) / 8;
        _bytesPerGlyph = _bytesPerRow * height;
        _map = map;
        _fallback = map.TryGetValue('?', out int q) ? q : 0;
        GlyphCount = count;
    }

    /// <summary>The default font, loaded once; an <see cref="InputException"/> says what to install when it is missing.</summary>
    public static BitmapFont Default => DefaultFont.Value;

    /// <summary>Glyph width in pixels.</summary>
    public int Width { get; }

    /// <summary>Glyph height in pixels.</summary>
    public int Height { get; }

    /// <summary>Number of glyphs.</summary>
    public int GlyphCount { get; }

    /// <summary>Reads a PSF1/PSF2 file (gzipped when it ends in <c>.gz</c>).</summary>
    public static BitmapFont Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new InputException($"font {path} is missing: run 'make setup' (installs Debian's kbd package)");
        }

        byte[] data;
        using (var file = File.OpenRead(path))
        using (var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file)
        using (var memory = new MemoryStream())
        {
            stream.CopyTo(memory);
            data = memory.ToArray();
        }

        return data.Length >= 4 && data[0] == 0x36 && data[1] == 0x04 ? ParsePsf1(data, path)
            : data.Length >= 32 && BitConverter.ToUInt32(data, 0) == 0x864AB572 ? ParsePsf2(data, path)
            : throw new InputException($"font {path}: not a PSF1 or PSF2 console font");
    }

    /// <summary>Whether pixel (x, y) of the glyph for <paramref name="c"/> is set.</summary>
    public bool IsSet(int c, int x, int y)
    {
        int glyph = _map.TryGetValue(c, out int g) ? g : _fallback;
        byte row = _glyphs[(glyph * _bytesPerGlyph) + (y * _bytesPerRow) + (x / 8)];
        return (row & (0x80 >> (x % 8))) != 0;
    }

    private static BitmapFont ParsePsf1(byte[] data, string path)
    {
        int mode = data[2];
        int height = data[3];
        int count = (mode & 0x01) != 0 ? 512 : 256;
        int size = count * height;
        if (data.Length < 4 + size)
        {
            throw new InputException($"font {path}: truncated");
        }

        var glyphs = data.AsSpan(4, size).ToArray();
        var map = new Dictionary<int, int>();
        if ((mode & 0x02) != 0)
        {
            // Unicode table: per glyph, UCS-2 code points until 0xFFFF (0xFFFE starts sequences, skipped).
            int pos = 4 + size;
            for (int g = 0; g < count && pos + 1 < data.Length; g++)
            {
                bool sequence = false;
                while (pos + 1 < data.Length)
                {
                    int u = data[pos] | (data[pos + 1] << 8);
                    pos += 2;
                    if (u == 0xFFFF)
                    {
                        break;
                    }

                    if (u == 0xFFFE)
                    {
                        sequence = true;
                    }
                    else if (!sequence)
                    {
                        map.TryAdd(u, g);
                    }
                }
            }
        }
        else
        {
            for (int g = 0; g < count; g++)
            {
                map[g] = g;
            }
        }

        return new BitmapFont(glyphs, count, 8, height, map);
    }

    private static BitmapFont ParsePsf2(byte[] data, string path)
    {
        int headerSize = BitConverter.ToInt32(data, 8);
        int flags = BitConverter.ToInt32(data, 12);
        int count = BitConverter.ToInt32(data, 16);
        int bytesPerGlyph = BitConverter.ToInt32(data, 20);
        int height = BitConverter.ToInt32(data, 24);
        int width = BitConverter.ToInt32(data, 28);
        if (data.Length < headerSize + (count * bytesPerGlyph))
        {
            throw new InputException($"font {path}: truncated");
        }

        var glyphs = data.AsSpan(headerSize, count * bytesPerGlyph).ToArray();
        var map = new Dictionary<int, int>();
        if ((flags & 0x01) != 0)
        {
            // UTF-8 table: per glyph, code points until 0xFF (0xFE starts sequences, skipped).
            int pos = headerSize + (count * bytesPerGlyph);
            for (int g = 0; g < count && pos < data.Length; g++)
            {
                int end = Array.IndexOf(data, (byte)0xFF, pos);
                if (end < 0)
                {
                    break;
                }

                int sequenceStart = Array.IndexOf(data, (byte)0xFE, pos, end - pos);
                string text = System.Text.Encoding.UTF8.GetString(data, pos, (sequenceStart >= 0 ? sequenceStart : end) - pos);
                foreach (var rune in text.EnumerateRunes())
                {
                    map.TryAdd(rune.Value, g);
                }

                pos = end + 1;
            }
        }
        else
        {
            for (int g = 0; g < count; g++)
            {
                map[g] = g;
            }
        }

        return new BitmapFont(glyphs, count, width, height, map);
    }
}
