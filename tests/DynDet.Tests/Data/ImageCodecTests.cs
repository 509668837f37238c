using DynDet.Data.Images;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Data;

public sealed class ImageCodecTests : TorchTest
{
    [Theory]
    [InlineData("raccoon-1")]     // colour baseline JPEG
    [InlineData("raccoon-150")]   // greyscale baseline JPEG: expanded to 3 equal channels
    [InlineData("progressive")]   // progressive JPEG written by PIL
    public void JpegDecodesAsPilAndTorchvision(string name)
    {
        var (file, width, height, expected, torchvision) = Fixtures.Image(name);
        RgbImage image = ImageCodec.Load(file);
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        // Same libjpeg-turbo, same IDCT (JDCT_ISLOW) and upsampling: identical bytes.
        Assert.True(expected.AsSpan().SequenceEqual(image.Pixels), $"{name}: pixels differ from PIL's ({MaxDifference(expected, image.Pixels)} max)");
        Assert.True(torchvision!.AsSpan().SequenceEqual(image.Pixels), $"{name}: pixels differ from torchvision's");
    }

    [Fact]
    public void CmykJpegConvertsAsPil()
    {
        var (file, width, height, expected, _) = Fixtures.Image("cmyk");
        RgbImage image = ImageCodec.Load(file);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.True(MaxDifference(expected, image.Pixels) <= 1, $"max difference {MaxDifference(expected, image.Pixels)}");
    }

    [Theory]
    [InlineData("png_rgb")]
    [InlineData("png_grey")]
    [InlineData("png_palette")]
    [InlineData("png_rgba")]     // alpha dropped, as PIL's convert("RGB")
    [InlineData("png_grey16")]   // 16-bit grey: PIL's mode "I", clipped to 0..255 by convert("RGB")
    [InlineData("png_greya16")]  // 16-bit grey + alpha, RGB, RGBA: PIL keeps the high byte
    [InlineData("png_rgb16")]
    [InlineData("png_rgba16")]
    public void PngDecodesAsPil(string name)
    {
        var (file, width, height, expected, _) = Fixtures.Image(name);
        RgbImage image = ImageCodec.Load(file);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.True(expected.AsSpan().SequenceEqual(image.Pixels), $"{name}: max difference {MaxDifference(expected, image.Pixels)}");
    }

    [Fact]
    public void DecodesIntoAnHwc3Uint8Tensor()
    {
        var (file, width, height, expected, _) = Fixtures.Image("raccoon-150");
        using Tensor tensor = ImageCodec.LoadTensor(file);
        Assert.Equal([height, width, 3L], tensor.Shape);
        Assert.Equal(ScalarType.Byte, tensor.Dtype);
        Assert.Equal(expected, tensor.ToArray<byte>());
        RgbImage back = RgbImage.FromTensor(tensor);
        Assert.Equal(expected, back.Pixels.ToArray());
    }

    [Fact]
    public void InfoReadsTheHeaderOnly()
    {
        var (file, width, height, _, _) = Fixtures.Image("raccoon-150");
        ImageInfo info = ImageCodec.ReadInfo(file);
        Assert.Equal(new ImageInfo(width, height, 1), info);
    }

    [Fact]
    public void PngRoundTripsExactly()
    {
        var image = new RgbImage(37, 23);
        var rng = new DynDet.Data.Pcg32(5);
        for (int k = 0; k < image.Pixels.Length; k++)
        {
            image.Pixels[k] = (byte)rng.NextUInt32();
        }

        foreach (int level in new[] { 0, 1, 6, 9 })
        {
            byte[] png = ImageCodec.Encode(image, ImageFileFormat.Png, level);
            RgbImage back = ImageCodec.Decode(png, "memory");
            Assert.True(image.Pixels.SequenceEqual(back.Pixels));
        }
    }

    [Fact]
    public void JpegEncodesCloseToTheOriginal()
    {
        RgbImage photo = ImageCodec.Load(Fixtures.Image("raccoon-1").File);
        byte[] jpeg = ImageCodec.Encode(photo, ImageFileFormat.Jpeg, 95);
        RgbImage back = ImageCodec.Decode(jpeg, "memory");
        double sum = 0;
        for (int k = 0; k < photo.Pixels.Length; k++)
        {
            sum += Math.Abs(photo.Pixels[k] - back.Pixels[k]);
        }

        Assert.True(sum / photo.Pixels.Length < 3, $"mean absolute error {sum / photo.Pixels.Length}");
    }

    [Fact]
    public void BadFilesAreInputErrorsNamingTheFile()
    {
        using var folder = new TempFolder();
        byte[] jpeg = File.ReadAllBytes(Fixtures.Image("raccoon-1").File);
        byte[] png = File.ReadAllBytes(Fixtures.Image("png_rgb").File);

        string missing = Path.Combine(folder.Path, "missing.jpg");
        AssertNamed(missing, "not found", () => ImageCodec.Load(missing));
        AssertNamed(Path.Combine(folder.Path, "nofolder", "x.jpg"), "not found",
            () => ImageCodec.Load(Path.Combine(folder.Path, "nofolder", "x.jpg")));

        string empty = Write(folder, "empty.jpg", []);
        AssertNamed(empty, "empty", () => ImageCodec.Load(empty));

        string truncated = Write(folder, "truncated.jpg", jpeg[..(jpeg.Length / 2)]);
        AssertNamed(truncated, "truncated", () => ImageCodec.Load(truncated));
        AssertNamed(truncated, "truncated", () => ImageCodec.LoadTensor(truncated));

        string header = Write(folder, "header.jpg", jpeg[..200]);
        AssertNamed(header, "JPEG", () => ImageCodec.Load(header));

        string garbage = Write(folder, "garbage.jpg", [.. Enumerable.Repeat((byte)0x41, 1000)]);
        AssertNamed(garbage, "not a JPEG or PNG", () => ImageCodec.Load(garbage));

        string pngCut = Write(folder, "cut.png", png[..(png.Length / 2)]);
        AssertNamed(pngCut, "PNG", () => ImageCodec.Load(pngCut));

        byte[] flipped = (byte[])png.Clone();
        for (int k = 40; k < 60; k++)
        {
            flipped[k] ^= 0x5A;
        }

        string pngCorrupt = Write(folder, "corrupt.png", flipped);
        AssertNamed(pngCorrupt, "PNG", () => ImageCodec.Load(pngCorrupt));
        Assert.Equal(0, Engine.LiveTensors);
    }

    private static string Write(TempFolder folder, string name, byte[] bytes)
    {
        string path = Path.Combine(folder.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertNamed(string path, string fragment, Action action)
    {
        var e = Assert.Throws<InputException>(action);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static int MaxDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return int.MaxValue;
        }

        int max = 0;
        for (int k = 0; k < a.Length; k++)
        {
            max = Math.Max(max, Math.Abs(a[k] - b[k]));
        }

        return max;
    }
}
