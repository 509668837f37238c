using DynDet.Data.Images;

namespace DynDet.Data;

/// <summary>
/// A detection dataset in memory: every format (COCO JSON, Pascal VOC, the synthetic generator) produces
/// one. Records are cheap and known up front; pixels are read or made on demand by
/// <see cref="LoadImage"/>. Implementations are safe to use from several threads at once (the loader
/// reads images on background threads).
/// </summary>
public interface IDetectionDataset
{
    /// <summary>A one-line description for messages, e.g. <c>VOC /data/VOC2007 (trainval)</c>.</summary>
    string Description { get; }

    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>Category names; label k of a <see cref="BoxAnnotation"/> is <c>CategoryNames[k]</c>.</summary>
    IReadOnlyList<string> CategoryNames { get; }

    /// <summary>
    /// The COCO <c>category_id</c> of each label (label k ↔ <c>CategoryIds[k]</c>), used when writing result
    /// files: the file's own ids for COCO data, 1..K otherwise.
    /// </summary>
    IReadOnlyList<long> CategoryIds { get; }

    /// <summary>The record of image <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    DetectionRecord GetRecord(int index);

    /// <summary>
    /// The pixels of image <paramref name="index"/>, RGB. Throws <see cref="InputException"/> naming the file
    /// when it is missing, truncated or corrupt, or when its size differs from the record's.
    /// </summary>
    RgbImage LoadImage(int index);
}
