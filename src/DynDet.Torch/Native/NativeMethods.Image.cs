using System.Runtime.InteropServices;

namespace DynDet.Torch.Native;

/// <content>Image decoding and encoding (<c>native/src/image.cpp</c>, the <c>dd_image_*</c> exports).</content>
internal static unsafe partial class NativeMethods
{
    /// <summary>Flag of the decoders: read pixels as stored, ignoring the EXIF orientation.</summary>
    internal const int ImageIgnoreOrientation = 1;

    [LibraryImport(Library)]
    internal static partial int dd_image_info(byte* data, long size, int flags, out int width, out int height,
        out int channels, out int orientation);

    [LibraryImport(Library)]
    internal static partial int dd_image_decode_rgb(byte* data, long size, long maxPixels, int flags, byte* destination,
        long destinationSize);

    [LibraryImport(Library)]
    internal static partial int dd_image_decode(byte* data, long size, long maxPixels, int flags, out IntPtr tensor);

    [LibraryImport(Library)]
    internal static partial int dd_image_encode(byte* pixels, int width, int height, int channels, int format,
        int level, out IntPtr output, out long outputSize);

    [LibraryImport(Library)]
    internal static partial void dd_image_free(IntPtr buffer);
}
