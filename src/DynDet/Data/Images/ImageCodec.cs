using DynDet.Torch;
using DynDet.Torch.Native;

namespace DynDet.Data.Images;

/// <summary>
/// Decodes JPEG (baseline, progressive, greyscale, CMYK; libjpeg-turbo with its default accurate integer IDCT
/// and fancy upsampling, as PIL and torchvision decode) and PNG (libpng; palette, greyscale, 16-bit and
/// alpha converted as PIL's <c>convert("RGB")</c> does) into 8-bit RGB, and encodes PNG and JPEG.
/// Every failure on a file — missing, unreadable, empty, truncated, corrupt, not an image — is an
/// <see cref="InputException"/> whose one-line message names the file. Thread-safe.
/// </summary>
public static class ImageCodec
{
    /// <summary>Reads the size and stored channel count of an encoded image without decoding its pixels.</summary>
    /// <param name="data">The whole encoded file.</param>
    /// <param name="source">Name used in error messages (usually the file path).</param>
    public static unsafe ImageInfo ReadInfo(ReadOnlySpan<byte> data, string source)
    {
        int status, width, height, channels;
        fixed (byte* d = data)
        {
            status = NativeMethods.dd_image_info(d, data.Length, out width, out height, out channels);
        }

        ThrowIfFailed(status, source);
        return new ImageInfo(width, height, channels);
    }

    /// <summary>Reads the size and stored channel count of the image file at <paramref name="path"/>.</summary>
    public static ImageInfo ReadInfo(string path) => ReadInfo(ReadFile(path), path);

    /// <summary>Decodes an encoded JPEG or PNG into a new RGB image.</summary>
    /// <param name="data">The whole encoded file.</param>
    /// <param name="source">Name used in error messages (usually the file path).</param>
    public static unsafe RgbImage Decode(ReadOnlySpan<byte> data, string source)
    {
        ImageInfo info = ReadInfo(data, source);
        long bytes = (long)info.Width * info.Height * 3;
        if (bytes > Array.MaxLength)
        {
            throw new InputException($"image {source}: {info.Width}x{info.Height} is too large to decode");
        }

        var pixels = GC.AllocateUninitializedArray<byte>((int)bytes);
        int status;
        fixed (byte* d = data)
        fixed (byte* p = pixels)
        {
            status = NativeMethods.dd_image_decode_rgb(d, data.Length, p, pixels.Length);
        }

        ThrowIfFailed(status, source);
        return new RgbImage(info.Width, info.Height, pixels);
    }

    /// <summary>
    /// Loads a dataset record's image and checks it has the size its annotation states; a mismatch is an
    /// <see cref="InputException"/> naming the file, both sizes and <paramref name="annotatedBy"/>.
    /// </summary>
    public static RgbImage LoadAnnotated(DetectionRecord record, string annotatedBy)
    {
        ArgumentNullException.ThrowIfNull(record);
        RgbImage image = Load(record.FilePath ?? throw new InputException($"image {record.Name}: the record has no file"));
        if (image.Width != record.Width || image.Height != record.Height)
        {
            throw new InputException(
                $"image {record.FilePath}: is {image.Width}x{image.Height} but {annotatedBy} says {record.Width}x{record.Height} (image id {record.ImageId})");
        }

        return image;
    }

    /// <summary>Reads and decodes the JPEG or PNG file at <paramref name="path"/>.</summary>
    public static RgbImage Load(string path) => Decode(ReadFile(path), path);

    /// <summary>Decodes an encoded JPEG or PNG into a new HxWx3 uint8 tensor (RGB).</summary>
    public static unsafe Tensor DecodeToTensor(ReadOnlySpan<byte> data, string source)
    {
        int status;
        IntPtr handle;
        fixed (byte* d = data)
        {
            status = NativeMethods.dd_image_decode(d, data.Length, out handle);
        }

        ThrowIfFailed(status, source);
        return new Tensor(handle);
    }

    /// <summary>Reads and decodes the file at <paramref name="path"/> into a new HxWx3 uint8 tensor (RGB).</summary>
    public static Tensor LoadTensor(string path) => DecodeToTensor(ReadFile(path), path);

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

    private static void ThrowIfFailed(int status, string source)
    {
        if (status != 0)
        {
            throw new InputException($"image {source}: {Check.LastError()}");
        }
    }
}
