using DynDet.Data.Coco;
using DynDet.Data.Images;

namespace DynDet.Data.Synthetic;

/// <summary>
/// Writes a <see cref="SyntheticDataset"/> to a folder: <c>images/synth_000000.png</c> (or <c>.jpg</c>), ...
/// and <c>instances.json</c> (COCO; <c>file_name</c> is <c>images/…</c>, relative to the JSON, so the dataset
/// SPEC <c>DIR/instances.json</c> finds the images). PNG is lossless: images read back equal the in-memory
/// ones bit for bit. Images are drawn and encoded in parallel.
/// </summary>
public static class SyntheticWriter
{
    /// <summary>The annotation file's name.</summary>
    public const string AnnotationFile = "instances.json";

    /// <summary>The images folder's name.</summary>
    public const string ImageFolder = "images";

    /// <summary>Writes every image and the annotation file; returns the annotation file's path.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="outputFolder">Created if missing; existing files of the same names are replaced.</param>
    /// <param name="format">PNG (default, lossless, zlib level 1) or JPEG (quality 95).</param>
    /// <param name="progress">Receives the number of images written so far (from worker threads).</param>
    /// <param name="maxParallelism">Threads drawing and encoding; default: the processor count.</param>
    /// <param name="cancellation">Stops the work between images.</param>
    public static string Write(SyntheticDataset dataset, string outputFolder, ImageFileFormat format = ImageFileFormat.Png,
        IProgress<long>? progress = null, int? maxParallelism = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(outputFolder);
        string images = Path.Combine(outputFolder, ImageFolder);
        try
        {
            Directory.CreateDirectory(images);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"output folder {outputFolder}: cannot be created ({e.Message})", e);
        }

        string extension = format == ImageFileFormat.Png ? ".png" : ".jpg";
        int level = format == ImageFileFormat.Png ? 1 : 95;
        long done = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellation,
        };
        try
        {
            Parallel.For(0, dataset.Count, parallel, i => WriteImage(dataset, i, images, extension, format, level, progress, ref done));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions[0] is InputException)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        string annotations = Path.Combine(outputFolder, AnnotationFile);
        CocoExport.Write(dataset, annotations, i => $"{ImageFolder}/{SyntheticDataset.ImageName(i)}{extension}", "shape");
        return annotations;
    }

    private static void WriteImage(SyntheticDataset dataset, int i, string images, string extension, ImageFileFormat format,
        int level, IProgress<long>? progress, ref long done)
    {
        RgbImage image = dataset.LoadImage(i);
        byte[] encoded = ImageCodec.Encode(image, format, level);
        string path = Path.Combine(images, SyntheticDataset.ImageName(i) + extension);
        try
        {
            File.WriteAllBytes(path, encoded);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"image {path}: cannot be written ({e.Message})", e);
        }

        progress?.Report(Interlocked.Increment(ref done));
    }
}
