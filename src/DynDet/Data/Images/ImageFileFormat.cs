namespace DynDet.Data.Images;

/// <summary>Encoded image formats DynDet writes (it reads JPEG and PNG, detected from the file's first bytes).</summary>
public enum ImageFileFormat
{
    /// <summary>PNG: lossless; the level is zlib's compression level 0–9.</summary>
    Png = 1,

    /// <summary>JPEG (baseline, 4:2:0); the level is the quality 1–100.</summary>
    Jpeg = 2,
}
