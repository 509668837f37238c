namespace DynDet.Data.Images;

/// <summary>
/// The size of an image as it decodes (after its EXIF orientation, unless that is ignored), the number of
/// channels stored in the file and the orientation applied.
/// </summary>
/// <param name="Width">Width in pixels, after orientation.</param>
/// <param name="Height">Height in pixels, after orientation.</param>
/// <param name="Channels">Channels as stored: 1 greyscale, 3 colour, 2 or 4 with alpha (PNG) or CMYK (JPEG).</param>
/// <param name="Orientation">
/// The EXIF Orientation applied, 1–8 (1: as stored; 5–8 swap width and height); 1 when the file has none or
/// orientation is ignored (<see cref="ImageDecodeOptions.IgnoreOrientation"/>).
/// </param>
public readonly record struct ImageInfo(int Width, int Height, int Channels, int Orientation = 1)
{
    /// <summary>Width as the file's header declares it (before orientation).</summary>
    public int StoredWidth => Orientation >= 5 ? Height : Width;

    /// <summary>Height as the file's header declares it (before orientation).</summary>
    public int StoredHeight => Orientation >= 5 ? Width : Height;

    /// <summary>Number of pixels, <see cref="Width"/> × <see cref="Height"/>.</summary>
    public long Pixels => (long)Width * Height;
}
