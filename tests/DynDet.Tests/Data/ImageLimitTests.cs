using DynDet.Config;
using DynDet.Data.Images;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Data;

/// <summary>Hostile image files (tests/Shared/HostileImages.cs): each is one InputException line naming the file.</summary>
public sealed class ImageLimitTests : TorchTest
{
    [Theory]
    [InlineData("png", false)]
    [InlineData("jpg", false)]
    [InlineData("jpg", true)]    // progressive: the coefficient buffers would be 3600 MP x 1.5 samples x 2 bytes
    public void HugeDeclaredSizeIsRefusedFromTheHeader(string format, bool progressive)
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "huge." + format);
        if (format == "png")
        {
            HostileImages.WriteHugePng(path, 60000, 60000);
        }
        else
        {
            HostileImages.WriteHugeJpeg(path, 60000, 60000, progressive);
        }

        Assert.True(new FileInfo(path).Length < 200);
        string expected = $"image {path}: declares 60000x60000 pixels (3600 MP), over the limit of 100 MP (data.max_image_pixels)";
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InputException>(() => ImageCodec.Load(path));
        // Refused before a pixel buffer exists: nothing near the 10.8 GB the image would need was allocated here.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal(expected, e.Message);
        Assert.Equal(expected, Assert.Throws<InputException>(() => ImageCodec.LoadTensor(path)).Message);
        // The header alone is readable: the size is reported whatever it is.
        Assert.Equal((60000, 60000), (ImageCodec.ReadInfo(path).Width, ImageCodec.ReadInfo(path).Height));
        Assert.Equal(0, Engine.LiveTensors);
    }

    [Fact]
    public void PixelLimitIsConfigurableAndExact()
    {
        string file = Fixtures.Image("raccoon-1").File;     // 650 x 417 = 271,050 pixels
        Assert.Equal(650, ImageCodec.Load(file, new ImageDecodeOptions { MaxPixels = 271_050 }).Width);
        var e = Assert.Throws<InputException>(() => ImageCodec.Load(file, new ImageDecodeOptions { MaxPixels = 271_049 }));
        Assert.Equal($"image {file}: declares 650x417 pixels (0.27 MP), over the limit of 0.27 MP (data.max_image_pixels)", e.Message);
        Assert.Throws<InputException>(() => ImageCodec.LoadTensor(file, new ImageDecodeOptions { MaxPixels = 271_049 }));

        string png = Fixtures.Image("png_rgb").File;        // 160 x 103
        Assert.Throws<InputException>(() => ImageCodec.Load(png, new ImageDecodeOptions { MaxPixels = 160 * 103 - 1 }));
        Assert.Equal(160, ImageCodec.Load(png, new ImageDecodeOptions { MaxPixels = 160 * 103 }).Width);

        Assert.Equal(100_000_000, ImageDecodeOptions.FromConfig(new DataConfig()).MaxPixels);
        Assert.Equal(5, ImageDecodeOptions.FromConfig(new DataConfig { MaxImagePixels = 5 }).MaxPixels);
        Assert.True(ImageDecodeOptions.FromConfig(new DataConfig { IgnoreOrientation = true }).IgnoreOrientation);
        foreach (long bad in new[] { 0L, -1L, ImageDecodeOptions.MaxPixelsUpperBound + 1 })
        {
            var error = Assert.Throws<InputException>(() => ImageDecodeOptions.FromConfig(new DataConfig { MaxImagePixels = bad }));
            Assert.StartsWith($"data.max_image_pixels: {bad} is out of range (1 to 715827863", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TruncatedProgressiveJpegIsAnErrorNotGreyPadding()
    {
        using var folder = new TempFolder();
        string complete = Path.Combine(folder.Path, "complete.jpg");
        HostileImages.WriteCompleteProgressiveJpeg(complete);
        RgbImage grey = ImageCodec.Load(complete);
        Assert.Equal((256, 256), (grey.Width, grey.Height));
        Assert.All(grey.Pixels.ToArray(), b => Assert.Equal(128, b));

        string truncated = Path.Combine(folder.Path, "truncated.jpg");
        HostileImages.WriteTruncatedProgressiveJpeg(truncated);
        Assert.Equal(256, ImageCodec.ReadInfo(truncated).Width);     // the headers are intact
        foreach (Action load in new Action[] { () => ImageCodec.Load(truncated), () => ImageCodec.LoadTensor(truncated).Dispose() })
        {
            var e = Assert.Throws<InputException>(load);
            Assert.Equal($"image {truncated}: corrupt JPEG: Premature end of JPEG file (truncated file)", e.Message);
        }

        Assert.Equal(0, Engine.LiveTensors);
    }

    [Fact]
    public void EmptyAndNonImageFilesAreOneLineNamingTheFile()
    {
        using var folder = new TempFolder();
        string empty = Path.Combine(folder.Path, "empty.png");
        HostileImages.WriteEmptyFile(empty);
        Assert.Equal($"image {empty}: empty file", Assert.Throws<InputException>(() => ImageCodec.Load(empty)).Message);
        Assert.Equal($"image {empty}: empty file", Assert.Throws<InputException>(() => ImageCodec.ReadInfo(empty)).Message);
        Assert.Equal("image memory: empty file", Assert.Throws<InputException>(() => ImageCodec.Decode([], "memory")).Message);

        string text = Path.Combine(folder.Path, "notes.jpg");
        File.WriteAllText(text, "hello");
        Assert.Equal($"image {text}: not a JPEG or PNG file (starts with 68 65 6c 6c)",
            Assert.Throws<InputException>(() => ImageCodec.Load(text)).Message);

        // A PNG cut right after its header: one line, no crash.
        string cut = Path.Combine(folder.Path, "cut.png");
        File.WriteAllBytes(cut, File.ReadAllBytes(Fixtures.Image("png_rgba16").File)[..60]);
        var e = Assert.Throws<InputException>(() => ImageCodec.Load(cut));
        Assert.StartsWith($"image {cut}: corrupt PNG: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
