using System.Globalization;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Transforms;
using DynDet.Models.RoIHeads;
using DynDet.Visualization;

namespace DynDet.Reports;

/// <summary>
/// The validation images of a run's report: the first images of the validation set with their ground truth (thin
/// white outlines) and the detections scoring at least <see cref="ScoreThreshold"/> (labelled boxes in the class
/// colour), written as <c>gallery/val_NNN.png</c> in the run folder at each evaluation, scaled to at most
/// <see cref="MaxSide"/> pixels.
/// </summary>
public static class ReportGallery
{
    /// <summary>Images shown (8).</summary>
    public const int DefaultCount = 8;

    /// <summary>Detections drawn score at least this (0.3).</summary>
    public const double ScoreThreshold = 0.3;

    /// <summary>Longest side of a gallery image in pixels (480); larger images are scaled down after drawing.</summary>
    public const int MaxSide = 480;

    /// <summary>Draws and writes the gallery; returns the files written.</summary>
    /// <param name="runDirectory">The run folder (the images go to its <see cref="RunRecord.GalleryFolder"/>).</param>
    /// <param name="data">The validation data.</param>
    /// <param name="detections">Detections of every image of <paramref name="data"/>, by index.</param>
    /// <param name="classNames">Class names by label.</param>
    /// <param name="count">Images to draw (default <see cref="DefaultCount"/>, at least 0).</param>
    public static IReadOnlyList<string> Write(string runDirectory, IDetectionDataset data, IReadOnlyList<ImageDetections> detections,
        IReadOnlyList<string> classNames, int count = DefaultCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        string folder = Path.Combine(runDirectory, RunRecord.GalleryFolder);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        for (int i = 0; i < Math.Min(count, Math.Min(data.Count, detections.Count)); i++)
        {
            var image = data.LoadImage(i);
            var truth = DetectionPainter.DrawGroundTruth(image, data.GetRecord(i).Objects);
            var drawn = DetectionPainter.Draw(truth, detections[i], classNames, ScoreThreshold);
            int side = Math.Max(drawn.Width, drawn.Height);
            if (side > MaxSide)
            {
                double scale = (double)MaxSide / side;
                drawn = ImageResizer.Resize(drawn, Math.Max(1, (int)Math.Round(drawn.Width * scale)),
                    Math.Max(1, (int)Math.Round(drawn.Height * scale)));
            }

            string path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"val_{i:D3}.png"));
            File.WriteAllBytes(path, ImageCodec.Encode(drawn));
            written.Add(path);
        }

        return written;
    }
}
