using System.IO.Compression;
using DynDet.TestSupport;
using DynDet.Visualization;

namespace DynDet.Tests.Visualization;

/// <summary><see cref="BitmapFont"/>: Debian's console font, and PSF1/PSF2 files built here byte by byte.</summary>
public sealed class BitmapFontTests
{
    [Fact]
    public void Default_font_loads_with_8x16_glyphs_that_draw_letters()
    {
        var font = BitmapFont.Default;
        Assert.Equal((8, 16), (font.Width, font.Height));
        Assert.True(font.GlyphCount >= 256);
        Assert.True(SetPixels(font, 'A') > 20);
        Assert.Equal(0, SetPixels(font, ' '));
        Assert.NotEqual(Bitmap(font, 'A'), Bitmap(font, 'B'));
        Assert.NotEqual(Bitmap(font, '0'), Bitmap(font, '8'));
    }

    [Fact]
    public void Psf1_with_a_unicode_table_maps_code_points_to_glyphs()
    {
        using var temp = new TempFolder();
        // 256 glyphs of 8x4; glyph 1 is a diagonal, glyph 2 the top row; '?' (fallback) is glyph 3, a full block.
        var glyphs = new byte[256 * 4];
        glyphs[4 + 0] = 0x80;
        glyphs[4 + 1] = 0x40;
        glyphs[4 + 2] = 0x20;
        glyphs[4 + 3] = 0x10;
        glyphs[8] = 0xFF;
        glyphs.AsSpan(12, 4).Fill(0xFF);
        var table = new List<byte>();
        for (int g = 0; g < 256; g++)
        {
            int[] codes = g switch
            {
                1 => ['A', 0x0391], // Latin A and Greek Alpha share a glyph
                2 => ['B', 0xFFFE, 'x', 'y'], // a sequence after 0xFFFE is not a single code point
                3 => ['?'],
                _ => [],
            };
            foreach (int u in codes)
            {
                table.Add((byte)(u & 0xFF));
                table.Add((byte)(u >> 8));
            }

            table.Add(0xFF);
            table.Add(0xFF);
        }

        byte[] file = [0x36, 0x04, 0x02, 4, .. glyphs, .. table];
        string path = temp.PathOf("test.psf.gz");
        using (var stream = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            stream.Write(file);
        }

        var font = BitmapFont.Load(path);
        Assert.Equal((8, 4, 256), (font.Width, font.Height, font.GlyphCount));
        Assert.True(font.IsSet('A', 0, 0));
        Assert.True(font.IsSet('A', 3, 3));
        Assert.False(font.IsSet('A', 1, 0));
        Assert.Equal(Bitmap(font, 'A'), Bitmap(font, 0x0391));
        Assert.True(font.IsSet('B', 7, 0));
        Assert.False(font.IsSet('B', 0, 1));
        Assert.Equal(32, SetPixels(font, 'x')); // only in a sequence: not mapped, so the '?' block
        Assert.Equal(32, SetPixels(font, 'Z'));
    }

    [Fact]
    public void Psf1_without_a_table_maps_codes_to_glyph_numbers()
    {
        using var temp = new TempFolder();
        var glyphs = new byte[512 * 2];
        glyphs[2 * 300] = 0x01;
        string path = temp.PathOf("plain.psf");
        File.WriteAllBytes(path, [0x36, 0x04, 0x01, 2, .. glyphs]);
        var font = BitmapFont.Load(path);
        Assert.Equal(512, font.GlyphCount);
        Assert.True(font.IsSet(300, 7, 0));
        Assert.Equal(1, SetPixels(font, 300));
    }

    [Fact]
    public void Psf2_with_a_utf8_table_and_wide_glyphs()
    {
        using var temp = new TempFolder();
        // 2 glyphs of 10x2 (2 bytes a row): glyph 1 has its last column set in row 1; it is 'é'.
        var header = new byte[32];
        BitConverter.GetBytes(0x864AB572u).CopyTo(header, 0);
        BitConverter.GetBytes(32).CopyTo(header, 8);
        BitConverter.GetBytes(1).CopyTo(header, 12);
        BitConverter.GetBytes(2).CopyTo(header, 16);
        BitConverter.GetBytes(4).CopyTo(header, 20);
        BitConverter.GetBytes(2).CopyTo(header, 24);
        BitConverter.GetBytes(10).CopyTo(header, 28);
        byte[] glyphs = [0, 0, 0, 0, 0, 0, 0x00, 0x40];
        byte[] table = [(byte)'?', 0xFF, .. "é"u8, 0xFF];
        string path = temp.PathOf("wide.psfu");
        File.WriteAllBytes(path, [.. header, .. glyphs, .. table]);
        var font = BitmapFont.Load(path);
        Assert.Equal((10, 2, 2), (font.Width, font.Height, font.GlyphCount));
        Assert.True(font.IsSet('é', 9, 1));
        Assert.Equal(1, SetPixels(font, 'é'));
        Assert.Equal(0, SetPixels(font, 'q'));
    }

    [Fact]
    public void Missing_and_invalid_files_are_input_errors_naming_them()
    {
        using var temp = new TempFolder();
        string missing = temp.PathOf("none.psf");
        var e = Assert.Throws<InputException>(() => BitmapFont.Load(missing));
        Assert.Equal($"font {missing} is missing: run 'make setup' (installs Debian's kbd package)", e.Message);
        string text = temp.Write("text.psf", "not a font at all, just some text");
        Assert.Equal($"font {text}: not a PSF1 or PSF2 console font", Assert.Throws<InputException>(() => BitmapFont.Load(text)).Message);
        string truncated = temp.PathOf("short.psf");
        File.WriteAllBytes(truncated, [0x36, 0x04, 0x00, 16, 1, 2, 3]);
        Assert.Equal($"font {truncated}: truncated", Assert.Throws<InputException>(() => BitmapFont.Load(truncated)).Message);
    }

    private static int SetPixels(BitmapFont font, int c) => Bitmap(font, c).Count(b => b);

    private static bool[] Bitmap(BitmapFont font, int c)
    {
        var bits = new bool[font.Width * font.Height];
        for (int y = 0; y < font.Height; y++)
        {
            for (int x = 0; x < font.Width; x++)
            {
                bits[(y * font.Width) + x] = font.IsSet(c, x, y);
            }
        }

        return bits;
    }
}
