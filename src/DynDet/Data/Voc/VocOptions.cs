using DynDet.Data.Images;

namespace DynDet.Data.Voc;

/// <summary>Options of <see cref="VocDataset"/>.</summary>
public sealed class VocOptions
{
    /// <summary>
    /// The category names in label order. Null (default): the 20 Pascal VOC classes when every name in the
    /// root's <c>Annotations/</c> is one of them, else the distinct names found there, sorted ordinally.
    /// Objects whose name is not in the list are skipped, as MMDetection skips them.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Box conversion; default <see cref="VocBoxConvention.MMDetection"/>.</summary>
    public VocBoxConvention BoxConvention { get; init; } = VocBoxConvention.MMDetection;

    /// <summary>The images folder under the root; default <c>JPEGImages</c>.</summary>
    public string ImageFolder { get; init; } = "JPEGImages";

    /// <summary>The annotations folder under the root; default <c>Annotations</c>.</summary>
    public string AnnotationFolder { get; init; } = "Annotations";

    /// <summary>How image files are decoded (pixel limit, EXIF orientation); default <see cref="ImageDecodeOptions.Default"/>.</summary>
    public ImageDecodeOptions Images { get; init; } = ImageDecodeOptions.Default;
}
