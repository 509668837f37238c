using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Voc;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Data;

public sealed class ImageOrientationTests : TorchTest
{
    private static readonly ImageDecodeOptions AsStored = new() { IgnoreOrientation = true };

    [Theory]
    [InlineData("exif_1", 1)]
    [InlineData("exif_2", 2)]
    [InlineData("exif_3", 3)]
    [InlineData("exif_4", 4)]
    [InlineData("exif_5", 5)]
    [InlineData("exif_6", 6)]
    [InlineData("exif_7", 7)]
    [InlineData("exif_8", 8)]
    [InlineData("exif_ii_6", 6)]    // little-endian ("II") Exif block; PIL writes big-endian ("MM") ones
    [InlineData("exif_png_8", 8)]   // PNG eXIf chunk
    public void OrientationIsAppliedAsPilExifTranspose(string name, int orientation)
    {
        var (file, width, height, expected, _) = Fixtures.Image(name);
        ImageInfo info = ImageCodec.ReadInfo(file);
        Assert.Equal(new ImageInfo(width, height, 3, orientation), info);

        RgbImage image = ImageCodec.Load(file);
        Assert.Equal((width, height), (image.Width, image.Height));
        // Same libjpeg, same IDCT as PIL, and orientation only moves pixels: identical bytes.
        Assert.True(expected.AsSpan().SequenceEqual(image.Pixels), $"{name}: pixels differ from PIL's exif_transpose");
        using (Tensor tensor = ImageCodec.LoadTensor(file))
        {
            Assert.Equal([height, width, 3L], tensor.Shape);
            Assert.Equal(expected, tensor.ToArray<byte>());
        }

        // data.ignore_orientation: the pixels as stored, the size as the header declares it.
        byte[] stored = Fixtures.ImageAsStored(name);
        RgbImage raw = ImageCodec.Load(file, AsStored);
        Assert.Equal((info.StoredWidth, info.StoredHeight), (raw.Width, raw.Height));
        Assert.True(stored.AsSpan().SequenceEqual(raw.Pixels), $"{name}: ignoring orientation does not give the stored pixels");
        Assert.Equal(new ImageInfo(info.StoredWidth, info.StoredHeight, 3, 1), ImageCodec.ReadInfo(file, AsStored));
        Assert.Equal(orientation != 1, !stored.AsSpan().SequenceEqual(expected));
        Assert.Equal(0, Engine.LiveTensors);
    }

    [Fact]
    public void MalformedExifIsIgnoredNotTrusted()
    {
        byte[] jpeg = File.ReadAllBytes(Fixtures.Image("exif_6").File);
        byte[] stored = Fixtures.ImageAsStored("exif_6");
        byte[] upright = Fixtures.Image("exif_6").Rgb;
        int tiff = IndexOf(jpeg, "Exif\0\0MM\0*"u8) + 6;
        Assert.True(tiff > 6);
        // PIL's big-endian block: IFD0 at 8, one entry: tag 0x0112, type 3 (SHORT), count 1, value 6.
        Assert.Equal([0, 0, 0, 8, 0, 1, 1, 0x12, 0, 3, 0, 0, 0, 1, 0, 6], jpeg[(tiff + 4)..(tiff + 20)]);
        Assert.Equal(upright, DecodePatched(jpeg, tiff + 19, [6]));    // the unpatched file, as a control

        // The IFD0 offset points past the segment: no orientation.
        Assert.Equal(stored, DecodePatched(jpeg, tiff + 4, [0x7F, 0xFF, 0xFF, 0xF0]));
        // An entry count far past the segment: the entries that are there still count (as PIL reads them).
        Assert.Equal(upright, DecodePatched(jpeg, tiff + 8, [0xFF, 0xFF]));
        // Out-of-range value, a count of 2, a type that is not SHORT or LONG, a broken TIFF signature: ignored.
        Assert.Equal(stored, DecodePatched(jpeg, tiff + 19, [9]));
        Assert.Equal(stored, DecodePatched(jpeg, tiff + 17, [2]));
        Assert.Equal(stored, DecodePatched(jpeg, tiff + 13, [2]));
        Assert.Equal(stored, DecodePatched(jpeg, tiff, [(byte)'X']));
    }

    [Fact]
    public void AnnotatedSizeMustMatchTheOrientedImage()
    {
        var (file, width, height, expected, _) = Fixtures.Image("exif_6");   // stored 160x103, upright 103x160
        var upright = new DetectionRecord(7, "exif_6.jpg", file, width, height, []);
        Assert.Equal(expected, ImageCodec.LoadAnnotated(upright, "test.json").Pixels.ToArray());

        var asStored = new DetectionRecord(7, "exif_6.jpg", file, height, width, []);
        var e = Assert.Throws<InputException>(() => ImageCodec.LoadAnnotated(asStored, "test.json"));
        Assert.Equal(
            $"image {file}: is 103x160 after its EXIF orientation 6 (stored 160x103; data.ignore_orientation=true reads it as stored) " +
            "but test.json says 160x103 (image id 7)", e.Message);
        Assert.Equal(Fixtures.ImageAsStored("exif_6"), ImageCodec.LoadAnnotated(asStored, "test.json", AsStored).Pixels.ToArray());
    }

    [Fact]
    public void VocImageTurnedByExifAgainstItsSizeIsNamed()
    {
        using var folder = VocDatasetTests.MiniVoc(out string root);
        string image = Path.Combine(root, "JPEGImages", "b.jpg");
        File.Copy(Fixtures.Image("exif_8").File, image, overwrite: true);
        VocDatasetTests.WriteXml(root, "b", "<annotation><size><width>160</width><height>103</height></size></annotation>");
        var voc = new VocDataset(root, "train");
        var e = Assert.Throws<InputException>(() => voc.LoadImage(1));
        Assert.StartsWith($"image {image}: is 103x160 after its EXIF orientation 8", e.Message, StringComparison.Ordinal);
        Assert.Contains("says 160x103", e.Message, StringComparison.Ordinal);

        var ignoring = new VocDataset(root, "train", new VocOptions { Images = AsStored });
        Assert.Equal((160, 103), (ignoring.LoadImage(1).Width, ignoring.LoadImage(1).Height));

        // Without a <size>, the header gives the size, after orientation: what the image decodes to.
        VocDatasetTests.WriteXml(root, "b", "<annotation></annotation>");
        var measured = new VocDataset(root, "train");
        Assert.Equal((103, 160), (measured.GetRecord(1).Width, measured.GetRecord(1).Height));
        Assert.Equal(103, measured.LoadImage(1).Width);
    }

    private static byte[] DecodePatched(byte[] file, int at, byte[] patch)
    {
        byte[] copy = (byte[])file.Clone();
        patch.CopyTo(copy, at);
        return ImageCodec.Decode(copy, "patched.jpg").Pixels.ToArray();
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
