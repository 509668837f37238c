using DynDet.Torch;

namespace DynDet.Data.Images;

/// <summary>
/// An 8-bit RGB image in managed memory: <see cref="Height"/> rows of <see cref="Width"/> pixels, three bytes
/// (R, G, B) per pixel, row-major (the HxWx3 layout of PIL, OpenCV after BGR→RGB and torchvision's
/// <c>decode_jpeg(...).permute(1, 2, 0)</c>).
/// </summary>
public sealed class RgbImage
{
    private readonly byte[] _pixels;

    /// <summary>A black image of the given size (each side at least 1).</summary>
    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _pixels = new byte[checked(width * height * 3)];
    }

    /// <summary>Wraps <paramref name="pixels"/> (not copied), which must hold exactly width × height × 3 bytes.</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != (long)width * height * 3)
        {
            throw new ArgumentException(
                $"a {width}x{height} RGB image needs {(long)width * height * 3} bytes, not {pixels.Length}", nameof(pixels));
        }

        Width = width;
        Height = height;
        _pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, HxWx3 row-major RGB; writable.</summary>
    public Span<byte> Pixels => _pixels;

    /// <summary>The underlying array (not a copy).</summary>
    internal byte[] Buffer => _pixels;

    /// <summary>Row <paramref name="y"/> (Width × 3 bytes).</summary>
    public Span<byte> Row(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return _pixels.AsSpan(y * Width * 3, Width * 3);
    }

    /// <summary>A deep copy.</summary>
    public RgbImage Clone() => new(Width, Height, (byte[])_pixels.Clone());

    /// <summary>A new HxWx3 uint8 tensor holding a copy of the pixels.</summary>
    public Tensor ToTensor() => Tensor.FromSpan<byte>(_pixels, Height, Width, 3);

    /// <summary>
    /// Copies an HxWx3 uint8 tensor (any strides, on the CPU) into a new image.
    /// </summary>
    public static RgbImage FromTensor(Tensor hwc)
    {
        ArgumentNullException.ThrowIfNull(hwc);
        long[] shape = hwc.Shape;
        if (shape.Length != 3 || shape[2] != 3 || hwc.Dtype != ScalarType.Byte)
        {
            throw new ArgumentException(
                $"expected an HxWx3 uint8 tensor, got {hwc.Dtype.TorchName()} [{string.Join(", ", shape)}]", nameof(hwc));
        }

        var image = new RgbImage(checked((int)shape[1]), checked((int)shape[0]));
        hwc.CopyTo<byte>(image._pixels);
        return image;
    }
}
