using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Transforms;
using DynDet.Models.Detectors;
using DynDet.Models.RoIHeads;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet;

/// <summary>
/// A trained detector for applications: load a DynDet checkpoint, detect objects in images.
/// <code>
/// using var detector = Detector.Load("runs/demo/latest.pth");
/// ImageDetections found = detector.Predict("photo.jpg");
/// </code>
/// The model is rebuilt from the config and class names stored in the checkpoint; images go through the
/// config's test transform and detections come back in the image's own pixels.
/// </summary>
public sealed class Detector : IDisposable
{
    private readonly DetectionTransform _transform;

    private Detector(DetectionModel model)
    {
        Model = model;
        _transform = DatasetInference.TestTransform(model.Config.Data);
        model.Eval();
    }

    /// <summary>The network.</summary>
    public DetectionModel Model { get; }

    /// <summary>Class names by label.</summary>
    public IReadOnlyList<string> ClassNames => Model.ClassNames;

    /// <summary>Loads a checkpoint written by <c>dyndet train</c>; a bad file gives an <see cref="InputException"/>.</summary>
    public static Detector Load(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        if (!File.Exists(checkpointPath))
        {
            throw new InputException($"{checkpointPath}: no such checkpoint");
        }

        using var checkpoint = TorchSerializer.Load(checkpointPath);
        var info = TrainingCheckpoint.ReadInfo(checkpoint);
        var model = DetectorFactory.CreateModel(info.Config, info.ClassNames);
        try
        {
            model.LoadStateDict(checkpoint.GetStateDict("state_dict"), strict: true, source: checkpointPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        return new Detector(model);
    }

    /// <summary>Detections in an image file (JPEG or PNG).</summary>
    public ImageDetections Predict(string imagePath) => Predict([imagePath])[0];

    /// <summary>Detections in several image files, batched by the config's images per batch.</summary>
    public IReadOnlyList<ImageDetections> Predict(IReadOnlyList<string> imagePaths)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        var results = new List<ImageDetections>(imagePaths.Count);
        int batchSize = Math.Max(1, Model.Config.Data.ImagesPerBatch);
        var decoding = ImageDecodeOptions.FromConfig(Model.Config.Data);
        for (int start = 0; start < imagePaths.Count; start += batchSize)
        {
            var images = imagePaths.Skip(start).Take(batchSize)
                .Select((path, k) => (Image: ImageCodec.Load(path, decoding), Name: Path.GetFileName(path), Id: (long)(start + k), Path: (string?)path))
                .ToList();
            results.AddRange(PredictImages(images));
        }

        return results;
    }

    /// <summary>Detections in a decoded image.</summary>
    public ImageDetections Predict(RgbImage image, long imageId = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PredictImages([(image, $"image_{imageId}", imageId, null)])[0];
    }

    /// <summary>
    /// Detections in several decoded images, batched by the config's images per batch (for callers that also need
    /// the pixels, e.g. to draw the detections, and so decode each file once); image ids are the list indices.
    /// </summary>
    public IReadOnlyList<ImageDetections> Predict(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var results = new List<ImageDetections>(images.Count);
        int batchSize = Math.Max(1, Model.Config.Data.ImagesPerBatch);
        for (int start = 0; start < images.Count; start += batchSize)
        {
            var batch = new List<(RgbImage Image, string Name, long Id, string? Path)>(batchSize);
            for (int k = start; k < Math.Min(images.Count, start + batchSize); k++)
            {
                ArgumentNullException.ThrowIfNull(images[k], nameof(images));
                batch.Add((images[k], $"image_{k}", k, null));
            }

            results.AddRange(PredictImages(batch));
        }

        return results;
    }

    private IReadOnlyList<ImageDetections> PredictImages(IReadOnlyList<(RgbImage Image, string Name, long Id, string? Path)> images)
    {
        var transformed = new List<TransformedImage>(images.Count);
        var rng = new Pcg32(0, 0);
        for (int k = 0; k < images.Count; k++)
        {
            var (image, name, id, path) = images[k];
            var record = new DetectionRecord(id, name, path, image.Width, image.Height, []);
            transformed.Add(_transform.Apply(image, record, k, rng));
        }

        using var batch = BatchCollator.Collate(transformed, _transform.Options);
        using var scope = Engine.NewDisposeScope();
        return Model.Predict(batch);
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
