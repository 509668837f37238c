using System.Globalization;
using DynDet.Config;

namespace DynDet.Data.Images;

/// <summary>
/// How <see cref="ImageCodec"/> decodes files: the largest image it accepts (checked from the header, before
/// any pixel buffer is allocated) and whether the EXIF orientation is applied. Set from the config's
/// <c>data.max_image_pixels</c> and <c>data.ignore_orientation</c> (<see cref="FromConfig"/>).
/// </summary>
public sealed record ImageDecodeOptions
{
    /// <summary>The default pixel limit: 100 megapixels, well above the largest camera photographs.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>The config key of <see cref="MaxPixels"/>, named in the error of an image over the limit.</summary>
    public const string MaxPixelsKey = "data.max_image_pixels";

    /// <summary>The config key of <see cref="IgnoreOrientation"/>.</summary>
    public const string IgnoreOrientationKey = "data.ignore_orientation";

    /// <summary>The largest allowed <see cref="MaxPixels"/>: the largest RGB image one .NET array holds (715,827,863).</summary>
    public static readonly long MaxPixelsUpperBound = Array.MaxLength / 3;

    private readonly long _maxPixels = DefaultMaxPixels;

    /// <summary>The defaults: 100 MP, orientation applied.</summary>
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>
    /// Largest number of pixels (width × height) an image may declare; a file over it is an
    /// <see cref="InputException"/> before anything is decoded. Default 100,000,000; range 1 to
    /// <see cref="MaxPixelsUpperBound"/>. The JPEG decoder's working memory is capped in proportion.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Out of range.</exception>
    public long MaxPixels
    {
        get => _maxPixels;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxPixelsUpperBound);
            _maxPixels = value;
        }
    }

    /// <summary>
    /// False (default): the EXIF Orientation tag (JPEG APP1, PNG eXIf) is applied, as MMDetection's loader
    /// (mmcv <c>imfrombytes(flag='color')</c>) and PIL's <c>ImageOps.exif_transpose</c> do; true: pixels are
    /// read as stored (mmcv's <c>color_ignore_orientation</c>).
    /// </summary>
    public bool IgnoreOrientation { get; init; }

    /// <summary>The options a config's data section asks for.</summary>
    /// <exception cref="InputException"><c>data.max_image_pixels</c> is out of range (the message names the key).</exception>
    public static ImageDecodeOptions FromConfig(DataConfig data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.MaxImagePixels < 1 || data.MaxImagePixels > MaxPixelsUpperBound)
        {
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"{MaxPixelsKey}: {data.MaxImagePixels} is out of range (1 to {MaxPixelsUpperBound}; default {DefaultMaxPixels})"));
        }

        return data.MaxImagePixels == DefaultMaxPixels && !data.IgnoreOrientation
            ? Default
            : new ImageDecodeOptions { MaxPixels = data.MaxImagePixels, IgnoreOrientation = data.IgnoreOrientation };
    }

    /// <summary>Megapixels for messages: "3600", "2.5".</summary>
    internal static string Megapixels(long pixels) => (pixels / 1e6).ToString("0.##", CultureInfo.InvariantCulture);
}
