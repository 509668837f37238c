namespace DynDet.Data.Images;

/// <summary>The size of an encoded image and the number of channels stored in the file.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">Channels as stored: 1 greyscale, 3 colour, 2 or 4 with alpha (PNG) or CMYK (JPEG).</param>
public readonly record struct ImageInfo(int Width, int Height, int Channels);
