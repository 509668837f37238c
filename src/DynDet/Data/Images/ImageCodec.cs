using DynDet.Torch;
using DynDet.Torch.Native;

namespace DynDet.Data.Images;

/// <summary>
/// Decodes JPEG (baseline, progressive, greyscale, CMYK; libjpeg-turbo with its default accurate integer IDCT
/// and fancy upsampling, as PIL and torchvision decode) and PNG (libpng; palette, greyscale, 16-bit and
/// alpha converted as PIL's <c>convert("RGB")</c> does) into 8-bit RGB, and encodes PNG and JPEG.
/// The EXIF orientation is applied unless <see cref="ImageDecodeOptions.IgnoreOrientation"/>; an image
/// declaring more than <see cref="ImageDecodeOptions.MaxPixels"/> is refused from its header.
/// Every failure on a file — missing, unreadable, empty, truncated, corrupt, not an image, too large — is an
/// <see cref="InputException"/> whose one-line message names the file. Thread-safe.
/// </summary>
public static class ImageCodec
{
    /// <summary>
    /// Reads the size (after orientation), stored channel count and orientation of an encoded image without
    /// decoding its pixels. No pixel limit applies: the size is reported whatever it is.
    /// </summary>
    /// <param name="data">The whole encoded file.</param>
    /// <param name="source">Name used in error messages (usually the file path).</param>
    /// <param name="options">Whether orientation counts (default: <see cref="ImageDecodeOptions.Default"/>).</param>
    public static unsafe ImageInfo ReadInfo(ReadOnlySpan<byte> data, string source, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        int status, width, height, channels, orientation;
        fixed (byte* d = data)
        {
            status = NativeMethods.dd_image_info(d, data.Length, Flags(options), out width, out height, out channels, out orientation);
        }

        ThrowIfFailed(status, source);
        return new ImageInfo(width, height, channels, orientation);
    }

    /// <summary>Reads the size, stored channel count and orientation of the image file at <paramref name="path"/>.</summary>
    public static ImageInfo ReadInfo(string path, ImageDecodeOptions? options = null) => ReadInfo(ReadFile(path), path, options);

    /// <summary>Decodes an encoded JPEG or PNG into a new RGB image.</summary>
    /// <param name="data">The whole encoded file.</param>
    /// <param name="source">Name used in error messages (usually the file path).</param>
    /// <param name="options">Pixel limit and orientation (default: <see cref="ImageDecodeOptions.Default"/>).</param>
    public static RgbImage Decode(ReadOnlySpan<byte> data, string source, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        return Decode(data, source, options, ReadChecked(data, source, options));
    }

    /// <summary>
    /// Loads a dataset record's image and checks it has the size its annotation states (after orientation);
    /// a mismatch is an <see cref="InputException"/> naming the file, both sizes and <paramref name="annotatedBy"/>,
    /// raised from the header, before decoding.
    /// </summary>
    public static RgbImage LoadAnnotated(DetectionRecord record, string annotatedBy, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        options ??= ImageDecodeOptions.Default;
        string path = record.FilePath ?? throw new InputException($"image {record.Name}: the record has no file");
        byte[] data = ReadFile(path);
        ImageInfo info = ReadInfo(data, path, options);
        CheckPixels(info, path, options);
        if (info.Width != record.Width || info.Height != record.Height)
        {
            string turned = info.Orientation == 1
                ? string.Empty
                : $" after its EXIF orientation {info.Orientation} (stored {info.StoredWidth}x{info.StoredHeight}; {ImageDecodeOptions.IgnoreOrientationKey}=true reads it as stored)";
            throw new InputException(
                $"image {path}: is {info.Width}x{info.Height}{turned} but {annotatedBy} says {record.Width}x{record.Height} (image id {record.ImageId})");
        }

        return Decode(data, path, options, info);
    }

    /// <summary>Reads and decodes the JPEG or PNG file at <paramref name="path"/>.</summary>
    public static RgbImage Load(string path, ImageDecodeOptions? options = null) => Decode(ReadFile(path), path, options);

    /// <summary>Decodes an encoded JPEG or PNG into a new HxWx3 uint8 tensor (RGB).</summary>
    public static unsafe Tensor DecodeToTensor(ReadOnlySpan<byte> data, string source, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        ReadChecked(data, source, options);
        int status;
        IntPtr handle;
        fixed (byte* d = data)
        {
            status = NativeMethods.dd_image_decode(d, data.Length, options.MaxPixels, Flags(options), out handle);
        }

        ThrowIfFailed(status, source);
        return new Tensor(handle);
    }

    /// <summary>Reads and decodes the file at <paramref name="path"/> into a new HxWx3 uint8 tensor (RGB).</summary>
    public static Tensor LoadTensor(string path, ImageDecodeOptions? options = null) => DecodeToTensor(ReadFile(path), path, options);

    /// <summary>Encodes <paramref name="image"/> as PNG or JPEG.</summary>
    /// <param name="image">The pixels.</param>
    /// <param name="format">PNG or JPEG.</param>
    /// <param name="level">PNG: zlib level 0–9 (default 6; 1 is fast); JPEG: quality 1–100 (default 95). Null picks the default.</param>
    public static byte[] Encode(RgbImage image, ImageFileFormat format = ImageFileFormat.Png, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Encode(image.Pixels, image.Width, image.Height, 3, format, level);
    }

    /// <summary>Encodes row-major 8-bit pixels with 1 (grey) or 3 (RGB) channels, or 4 (RGBA, PNG only).</summary>
    public static unsafe byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels,
        ImageFileFormat format = ImageFileFormat.Png, int? level = null)
    {
        if (pixels.Length != (long)width * height * channels)
        {
            throw new ArgumentException($"{width}x{height}x{channels} pixels need {(long)width * height * channels} bytes, not {pixels.Length}",
                nameof(pixels));
        }

        int lvl = level ?? (format == ImageFileFormat.Png ? 6 : 95);
        int status;
        IntPtr output;
        long size;
        fixed (byte* p = pixels)
        {
            status = NativeMethods.dd_image_encode(p, width, height, channels, (int)format, lvl, out output, out size);
        }

        if (status != 0)
        {
            throw new ArgumentException(Check.LastError());
        }

        try
        {
            var result = new byte[size];
            new ReadOnlySpan<byte>((void*)output, checked((int)size)).CopyTo(result);
            return result;
        }
        finally
        {
            NativeMethods.dd_image_free(output);
        }
    }

    /// <summary>
    /// Writes <paramref name="image"/> to <paramref name="path"/>, as JPEG when the name ends in .jpg or .jpeg and
    /// as PNG otherwise; the folder is created if missing.
    /// </summary>
    public static void Save(RgbImage image, string path, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        var format = extension is ".jpg" or ".jpeg" ? ImageFileFormat.Jpeg : ImageFileFormat.Png;
        byte[] encoded = Encode(image, format, level);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllBytes(path, encoded);
    }

    /// <summary>Reads a whole file, turning every I/O failure into an <see cref="InputException"/> naming it.</summary>
    internal static byte[] ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new InputException($"image {path}: file not found", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new InputException($"image {path}: file not found (no such folder)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputException($"image {path}: cannot be read ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new InputException($"image {path}: cannot be read ({e.Message})", e);
        }

        if (data.Length == 0)
        {
            throw new InputException($"image {path}: empty file");
        }

        return data;
    }

    /// <summary>The header, checked against the pixel limit before anything is allocated for the pixels.</summary>
    private static ImageInfo ReadChecked(ReadOnlySpan<byte> data, string source, ImageDecodeOptions options)
    {
        ImageInfo info = ReadInfo(data, source, options);
        CheckPixels(info, source, options);
        return info;
    }

    private static void CheckPixels(ImageInfo info, string source, ImageDecodeOptions options)
    {
        if (info.Pixels > options.MaxPixels)
        {
            throw new InputException(
                $"image {source}: declares {info.StoredWidth}x{info.StoredHeight} pixels ({ImageDecodeOptions.Megapixels(info.Pixels)} MP), " +
                $"over the limit of {ImageDecodeOptions.Megapixels(options.MaxPixels)} MP ({ImageDecodeOptions.MaxPixelsKey})");
        }
    }

    private static unsafe RgbImage Decode(ReadOnlySpan<byte> data, string source, ImageDecodeOptions options, ImageInfo info)
    {
        // MaxPixels is at most Array.MaxLength / 3, so the buffer always fits one array.
        var pixels = GC.AllocateUninitializedArray<byte>(checked((int)(info.Pixels * 3)));
        int status;
        fixed (byte* d = data)
        fixed (byte* p = pixels)
        {
            status = NativeMethods.dd_image_decode_rgb(d, data.Length, options.MaxPixels, Flags(options), p, pixels.Length);
        }

        ThrowIfFailed(status, source);
        return new RgbImage(info.Width, info.Height, pixels);
    }

    private static int Flags(ImageDecodeOptions options) => options.IgnoreOrientation ? NativeMethods.ImageIgnoreOrientation : 0;

    private static void ThrowIfFailed(int status, string source)
    {
        if (status != 0)
        {
            throw new InputException($"image {source}: {Check.LastError()}");
        }
    }
}
