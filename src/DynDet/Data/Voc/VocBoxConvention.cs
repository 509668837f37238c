namespace DynDet.Data.Voc;

/// <summary>
/// How Pascal VOC's 1-based inclusive pixel boxes (<c>xmin..xmax</c> are the first and last pixel columns)
/// become DynDet's 0-based (x1, y1, x2, y2) boxes without "+1".
/// </summary>
public enum VocBoxConvention
{
    /// <summary>
    /// MMDetection's <c>XMLDataset</c> (2.x and 3.x): each coordinate is truncated to an integer
    /// (<c>int(float(text))</c>) and 1 is subtracted from all four: (xmin − 1, ymin − 1, xmax − 1, ymax − 1).
    /// The default, so that numbers compare with MMDetection's.
    /// </summary>
    MMDetection = 0,

    /// <summary>
    /// Pixel edges: (xmin − 1, ymin − 1, xmax, ymax), the continuous box that covers the annotated pixels
    /// exactly; one pixel wider and taller than MMDetection's.
    /// </summary>
    PixelEdges = 1,
}
